package io.kafkacassandra.zookeeper.internal;

import io.kafkacassandra.election.CassandraLeaderElection;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.DaemonThreads;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.CoordinationException;
import org.apache.zookeeper.server.ServerCnxn;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions' liveness in Cassandra, and their expiry. Every half tick this instance writes, for each session whose
 * client is connected here and was heard of within its timeout, a row in {@code zk_sessions} that lives for what
 * is left of that timeout; a session's row is first written when it is created, before its creation is logged.
 * One instance of the service, elected with this project's leader election, is the reaper: a session that exists
 * in the log and has no row was not heard of by any instance for a whole timeout, and the reaper logs its
 * {@code closeSession} (which deletes its ephemerals and fires their watches on every instance). A session is
 * therefore closed within its timeout, plus up to a second (TTLs are whole seconds), plus half a tick, plus, if
 * the reaper itself died, the time to elect another and two ticks. Each instance writes its own rows, so that one
 * with an old view of a session (its client just moved away) never shortens the row of the instance now serving
 * it. Rows are plain writes: liveness needs no linearizability, and a late row only keeps a session longer.
 */
public final class SessionLeases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionLeases.class);
    private static final long RESUBMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final SessionLeaseTable table;
    private final ServiceMonitor monitor;
    private final String instance;
    private final CassandraLeaderElection reaperElection;
    private final Duration period;
    private final Map<Long, Long> expiring = new ConcurrentHashMap<>(); // session -> when its close was submitted
    private final ScheduledExecutorService timer;
    private volatile CassandraZooKeeperServer zks;
    private volatile ServerCnxnFactory connections;
    private int failures;
    private long reaperSince = -1; // System.nanoTime() when this instance became the reaper, -1 if it is not
    private long lastRenewFailure = System.nanoTime(); // as if one had just failed: a new reaper waits first

    /** @param monitor where each round of row renewals is counted */
    public SessionLeases(
            CqlRunner cql,
            ServiceMonitor monitor,
            CassandraSettings settings,
            String service,
            String instance,
            Duration period) {
        this.table = new SessionLeaseTable(cql, settings, service);
        this.monitor = monitor;
        this.instance = instance;
        this.period = period;
        // Nobody waits on the reaper's election: it polls, rather than read the change feed many times a second.
        this.reaperElection =
                new CassandraLeaderElection(cql.session(), settings.withoutChangeFeed(), "zookeeper-reaper-" + service);
        this.timer = DaemonThreads.scheduler("kafka-cassandra-zookeeper-sessions-" + service);
    }

    /** Writes a new session's row (on the connecting client's thread, before its creation is logged). */
    public void created(long sessionId, int timeoutMs) {
        table.renew(Map.of(sessionId, ttlSeconds(timeoutMs)), instance);
    }

    /** Whether this instance holds the reaper post now (it also writes the snapshots). */
    public boolean isReaper() {
        return reaperElection.heldLeadership(instance).isPresent();
    }

    /** Starts renewing the sessions of {@code factory}'s connections, and running for reaper. */
    public void start(CassandraZooKeeperServer server, ServerCnxnFactory factory) {
        this.zks = server;
        this.connections = factory;
        try {
            reaperElection.nominate(instance);
        } catch (CoordinationException e) {
            LOG.warn("{} runs for ZooKeeper session reaper in the background: {}", instance, e.getMessage());
        }
        long millis = period.toMillis();
        timer.scheduleWithFixedDelay(this::round, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            long started = System.nanoTime();
            try {
                renew();
                monitor.renewals().succeeded(System.nanoTime() - started);
            } catch (RuntimeException e) {
                lastRenewFailure = System.nanoTime();
                monitor.renewals().failed(e);
                throw e;
            }
            if (reaperElection.heldLeadership(instance).isEmpty()) {
                reaperSince = -1;
            } else if (reaperSince == -1) {
                reaperSince = System.nanoTime();
                LOG.info("{} is the ZooKeeper session reaper", instance);
            } else if (mayReap()) {
                reap();
            }
            if (failures > 0) {
                LOG.info("ZooKeeper session leases work again after {} failures", failures);
                failures = 0;
            }
        } catch (RuntimeException e) {
            if (failures++ == 0) {
                LOG.warn("ZooKeeper session leases cannot be kept: {}", e.getMessage());
            }
        }
    }

    private void renew() {
        CassandraSessionTracker tracker = zks.tracker();
        Map<Long, Integer> rows = new HashMap<>();
        long now = System.nanoTime();
        for (ServerCnxn cnxn : connections.getConnections()) {
            long id = cnxn.getSessionId();
            Long heard = tracker.lastHeard(id);
            Integer timeout = tracker.timeout(id);
            if (id == 0 || heard == null || timeout == null || tracker.isClosing(id)) {
                continue;
            }
            long leftMs = timeout - TimeUnit.NANOSECONDS.toMillis(now - heard);
            if (leftMs > 0) {
                rows.put(id, ttlSeconds(leftMs));
            }
        }
        table.renew(rows, instance);
    }

    /**
     * A reaper trusts the rows only when every instance has had two ticks (four renewal rounds) to write them
     * since it became the reaper, and since this instance last failed to write its own: when renewals fail here,
     * they may fail everywhere, and a missing row then says nothing about a client.
     */
    private boolean mayReap() {
        long wait = TimeUnit.MILLISECONDS.toNanos(2L * zks.getTickTime());
        long now = System.nanoTime();
        return zks.isRunning() && now - reaperSince > wait && now - lastRenewFailure > wait;
    }

    private void reap() {
        // The sessions before the rows: a session created after this copy is not judged by an older read.
        Set<Long> sessions =
                Set.copyOf(zks.getZKDatabase().getSessionWithTimeOuts().keySet());
        Set<Long> live = table.live();
        long now = System.nanoTime();
        expiring.values().removeIf(at -> now - at > RESUBMIT_NANOS);
        for (long id : sessions) {
            if (!live.contains(id) && !zks.tracker().isClosing(id) && expiring.putIfAbsent(id, now) == null) {
                LOG.info(
                        "ZooKeeper session 0x{} expired: no instance heard of it for its whole timeout",
                        Long.toHexString(id));
                zks.expire(id);
            }
        }
    }

    private static int ttlSeconds(long millis) {
        return (int) Math.max(1, (millis + 999) / 1000);
    }

    @Override
    public void close() {
        DaemonThreads.shutdown(timer);
        reaperElection.close();
    }
}
