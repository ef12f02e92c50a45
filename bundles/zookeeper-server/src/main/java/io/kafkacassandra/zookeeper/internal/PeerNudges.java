package io.kafkacassandra.zookeeper.internal;

import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nudges between the instances of a service: after each position this instance appends, it sends every other
 * instance one UDP datagram (the position, no data), and an instance nudged reads the log's tail at once instead of
 * at its next periodic read. So the periodic read is only a safety net for lost datagrams and can be slow, which
 * saves Cassandra and the instances most of their idle work, while watches across instances fire sooner than a fast
 * period would let them.
 *
 * <p>A nudge carries nothing that is trusted: it can only make a tail read happen sooner, at most one per
 * {@link LogApplier#NUDGE_FLOOR_NANOS}, so a lost, late, repeated or forged datagram changes no outcome, only
 * latency (which is why the sender is not checked: its address depends on routing). Datagrams carry a hash of the
 * keyspace and service, so that an instance of another service on a reused port ignores them. Where they are taken
 * is registered in {@code zk_instances} (a row with a TTL, written again every few seconds); an instance that starts
 * tells the registered ones, which then read the registry again. Peers must reach the registered address: the
 * client port's, or this host's address when the client port binds every interface.
 */
public final class PeerNudges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerNudges.class);
    private static final int MAGIC = 0x6b635a4e;
    private static final byte APPENDED = 1;
    private static final byte JOINED = 2;
    private static final int LENGTH = 4 + 1 + 8 + 8;
    private static final long REFRESH_SECONDS = 5;
    private static final int TTL_SECONDS = 30;

    private final CqlRunner cql;
    private final CassandraSettings settings;
    private final String service;
    private final String instance;
    private final long serviceHash;
    private final LogApplier applier;
    private final DatagramChannel channel;
    private final InetSocketAddress registered;
    private final ScheduledExecutorService timer;
    private InstanceTable table; // on the timer's thread: prepared on the first refresh that can
    private volatile Map<String, InetSocketAddress> peers = Map.of();
    private volatile boolean refreshAsked;
    private volatile long lastRefresh = System.nanoTime();
    private static final long REFRESH_AFTER_JOIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    private volatile boolean closed;
    private int failures;
    private boolean loopbackWarned;

    /**
     * Binds the UDP socket on {@code address} (the client port's; a wildcard address binds every interface and
     * registers this host's address) and {@code port} (0: any free port).
     */
    public PeerNudges(
            CqlRunner cql,
            CassandraSettings settings,
            String service,
            String instance,
            InetAddress address,
            int port,
            LogApplier applier) {
        this.cql = cql;
        this.settings = settings;
        this.service = service;
        this.instance = instance;
        this.serviceHash = UUID.nameUUIDFromBytes(
                        (settings.keyspace() + "." + service).getBytes(StandardCharsets.UTF_8))
                .getMostSignificantBits();
        this.applier = applier;
        DatagramChannel opened = null;
        try {
            opened = DatagramChannel.open();
            opened.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            opened.bind(new InetSocketAddress(address, port));
            int bound = ((InetSocketAddress) opened.getLocalAddress()).getPort();
            registered =
                    new InetSocketAddress(address.isAnyLocalAddress() ? InetAddress.getLocalHost() : address, bound);
            channel = opened;
        } catch (IOException e) {
            closeQuietly(opened);
            throw new UncheckedIOException(
                    "cannot take nudges from other instances on UDP " + address.getHostAddress() + ":" + port + ": "
                            + e.getMessage(),
                    e);
        }
        this.timer = DaemonThreads.scheduler("kafka-cassandra-zookeeper-nudges-" + service);
    }

    /** The other instances this one nudges after its writes. */
    public Set<String> peers() {
        return peers.keySet();
    }

    /** Registers this instance, reads the others, tells them it joined, and starts taking nudges. */
    public void start() {
        refresh();
        send(JOINED, 0);
        Thread receiver = new Thread(this::receive, "kafka-cassandra-zookeeper-nudge-receiver");
        receiver.setDaemon(true);
        receiver.start();
        timer.scheduleWithFixedDelay(this::refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    /** This instance appended at {@code position}: tell the others. */
    public void appended(long position) {
        send(APPENDED, position);
    }

    private void send(byte type, long position) {
        ByteBuffer datagram = ByteBuffer.allocate(LENGTH);
        datagram.putInt(MAGIC).put(type).putLong(serviceHash).putLong(position).flip();
        for (InetSocketAddress peer : peers.values()) {
            try {
                channel.send(datagram.duplicate(), peer);
            } catch (IOException e) {
                LOG.debug("cannot nudge {}: {}", peer, e.toString());
            }
        }
    }

    private void receive() {
        ByteBuffer datagram = ByteBuffer.allocate(64);
        while (!closed) {
            try {
                datagram.clear();
                SocketAddress from = channel.receive(datagram);
                datagram.flip();
                if (from == null || datagram.remaining() != LENGTH || datagram.getInt() != MAGIC) {
                    continue;
                }
                byte type = datagram.get();
                if (datagram.getLong() != serviceHash) {
                    continue;
                }
                long position = datagram.getLong();
                if (type == JOINED && !refreshAsked) {
                    // one read of the registry however many instances join at once, and at most one a second
                    refreshAsked = true;
                    long wait = lastRefresh + REFRESH_AFTER_JOIN_NANOS - System.nanoTime();
                    timer.schedule(this::refresh, Math.max(0, wait), TimeUnit.NANOSECONDS);
                } else if (type == APPENDED) {
                    applier.nudge(position);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("a nudge could not be read: {}", e.toString());
            }
        }
    }

    /** Writes this instance's row again and reads the others'; a failure only leaves the list as it was. */
    private void refresh() {
        lastRefresh = System.nanoTime();
        refreshAsked = false;
        try {
            if (table == null) {
                table = new InstanceTable(cql, settings, service);
            }
            table.register(instance, registered, TTL_SECONDS);
            Map<String, InetSocketAddress> all = table.instances();
            all.remove(instance);
            peers = Map.copyOf(all);
            if (!loopbackWarned
                    && registered.getAddress().isLoopbackAddress()
                    && all.values().stream().anyMatch(a -> !a.getAddress().isLoopbackAddress())) {
                loopbackWarned = true;
                LOG.warn(
                        "this instance takes nudges on loopback address {}, which instances on other hosts cannot"
                                + " reach: they see its writes only by the periodic tail read; set clientPortAddress"
                                + " to an address they reach",
                        registered.getAddress().getHostAddress());
            }
            if (failures > 0) {
                LOG.info("the registry of ZooKeeper instances works again after {} failures", failures);
                failures = 0;
            }
        } catch (RuntimeException e) {
            if (failures++ == 0) {
                LOG.warn(
                        "cannot register this ZooKeeper instance or read the others ({}); until it works, other"
                                + " instances' writes are found by the periodic tail read only",
                        e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        DaemonThreads.shutdown(timer);
        closeQuietly(channel);
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the nudge socket: {}", e.toString());
        }
    }
}
