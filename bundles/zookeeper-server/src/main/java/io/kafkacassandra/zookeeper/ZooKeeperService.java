package io.kafkacassandra.zookeeper;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.monitoring.JmxRegistration;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.zookeeper.internal.CassandraZooKeeperServer;
import io.kafkacassandra.zookeeper.internal.PeerNudges;
import io.kafkacassandra.zookeeper.internal.SessionLeases;
import io.kafkacassandra.zookeeper.internal.SnapshotTable;
import io.kafkacassandra.zookeeper.internal.Snapshots;
import io.kafkacassandra.zookeeper.internal.TransactionLogTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a ZooKeeper service whose state lives in Cassandra: it serves ZooKeeper clients on
 * {@link ZooKeeperSettings#clientPort()}, and every instance with the same keyspace and service name serves the
 * same tree (see docs/guarantees.md, ZooKeeper). It catches up with the log before it accepts clients. The
 * session is the caller's.
 */
public final class ZooKeeperService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperService.class);
    private static final Duration STARTUP_CATCH_UP = Duration.ofMinutes(5);

    private final CassandraZooKeeperServer server;
    private final ServerCnxnFactory factory;
    private final SessionLeases leases;
    private final PeerNudges nudges; // null: configured off
    private final String instance;
    private final ServiceMonitor monitor;
    private final JmxRegistration jmx;

    private ZooKeeperService(
            CassandraZooKeeperServer server,
            ServerCnxnFactory factory,
            SessionLeases leases,
            PeerNudges nudges,
            String instance,
            ServiceMonitor monitor) {
        this.server = server;
        this.factory = factory;
        this.leases = leases;
        this.nudges = nudges;
        this.instance = instance;
        this.monitor = monitor;
        this.jmx = JmxRegistration.register(monitor);
    }

    /** Starts an instance; it serves clients when this returns. */
    public static ZooKeeperService start(CqlSession session, CassandraSettings cassandra, ZooKeeperSettings settings) {
        return start(session, cassandra, settings, () -> {});
    }

    /**
     * The same, with what to do after the instance stopped itself because a thread it cannot work without failed
     * (it fell behind the log's truncation, a position could not be decoded, ...): restart it, or end the process.
     */
    public static ZooKeeperService start(
            CqlSession session, CassandraSettings cassandra, ZooKeeperSettings settings, Runnable afterFailure) {
        ZooKeeperSystemProperties.apply();
        String service = settings.serviceName();
        ServiceMonitor monitor = new ServiceMonitor("ZooKeeper", service);
        monitor.connected(session);
        CqlRunner cql = new CqlRunner(session, monitor);
        String instance = "zk-" + UUID.randomUUID();
        SessionLeases leases = new SessionLeases(
                cql, monitor, cassandra, service, instance, Duration.ofMillis(settings.tickTimeMs() / 2));
        CassandraZooKeeperServer server = new CassandraZooKeeperServer(
                new TransactionLogTable(cql, cassandra, service),
                monitor,
                settings.tailReadPeriod(),
                settings.tickTimeMs(),
                settings.minSessionTimeoutMs(),
                settings.maxSessionTimeoutMs(),
                leases::created);
        PeerNudges nudges;
        try {
            nudges = settings.nudgePort() < 0
                    ? null
                    : new PeerNudges(
                            cql,
                            cassandra,
                            service,
                            instance,
                            settings.clientPortAddress(),
                            settings.nudgePort(),
                            server.applier());
        } catch (RuntimeException e) {
            leases.close();
            throw e;
        }
        if (nudges != null) {
            server.afterAppend(nudges::appended);
        }
        NIOServerCnxnFactory factory = new NIOServerCnxnFactory();
        server.onFailure(reason -> {
            monitor.disconnected("this instance stopped: " + reason);
            stop(server, factory, leases, nudges);
            afterFailure.run();
        });
        try {
            server.restore(
                    new Snapshots(new SnapshotTable(cql, cassandra, service), settings.snapCount(), leases::isReaper));
            server.startup();
            if (!server.applier().catchUp(STARTUP_CATCH_UP)) {
                throw new IllegalStateException("could not read the ZooKeeper log of " + service + " within "
                        + STARTUP_CATCH_UP.toMinutes() + " minutes");
            }
            if (nudges != null) {
                nudges.start();
            }
            factory.configure(
                    new InetSocketAddress(settings.clientPortAddress(), settings.clientPort()),
                    settings.maxClientCnxns(),
                    -1,
                    false);
            factory.startup(server, false);
            leases.start(server, factory);
        } catch (IOException e) {
            stop(server, factory, leases, nudges);
            throw new UncheckedIOException(
                    "cannot serve ZooKeeper clients on "
                            + settings.clientPortAddress().getHostAddress() + ":" + settings.clientPort() + ": "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(server, factory, leases, nudges);
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException e) {
            stop(server, factory, leases, nudges);
            throw e;
        }
        ZooKeeperService started = new ZooKeeperService(server, factory, leases, nudges, instance, monitor);
        LOG.info(
                "serving ZooKeeper clients on {}:{} (service {}, instance {})",
                started.address().getHostString(),
                started.address().getPort(),
                service,
                instance);
        return started;
    }

    /** Tests only. */
    CassandraZooKeeperServer server() {
        return server;
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return factory.getLocalAddress();
    }

    /** "host:port", for a client's connect string. */
    public String connectString() {
        return address().getHostString() + ":" + address().getPort();
    }

    public String instance() {
        return instance;
    }

    /** The other instances this one nudges after each write (none if nudges are off or none registered yet). */
    public Set<String> peers() {
        return nudges == null ? Set.of() : nudges.peers();
    }

    /** Whether this instance is the service's session reaper now (which also writes its snapshots). */
    public boolean isReaper() {
        return leases.isReaper();
    }

    /** Its health (CONNECTED, DEGRADED, UNAVAILABLE with a reason) and metrics, as published on JMX. */
    public ServiceMonitor monitor() {
        return monitor;
    }

    /** A read-only view of this instance's copy of the tree and sessions, for people and tools. */
    public ZooKeeperTreeView tree() {
        return new ZooKeeperTreeView(server.getZKDatabase());
    }

    /** The zxid of the last transaction applied here. */
    public long lastZxid() {
        return server.getZKDatabase().getDataTreeLastProcessedZxid();
    }

    /**
     * Stops serving: clients are disconnected, not closed, so their sessions live on and they reconnect to another
     * instance within their timeout.
     */
    @Override
    public void close() {
        monitor.disconnected("stopped");
        jmx.close();
        stop(server, factory, leases, nudges);
    }

    private static void stop(
            CassandraZooKeeperServer server, ServerCnxnFactory factory, SessionLeases leases, PeerNudges nudges) {
        if (nudges != null) {
            nudges.close();
        }
        leases.close();
        factory.shutdown();
        server.shutdown(true);
    }
}
