package io.kafkacassandra.zookeeper;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import io.kafkacassandra.session.internal.DaemonThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ZooKeeperService} instance on whatever Cassandra connection is current: started when a connection comes,
 * stopped when it goes, restarted on a new one, and restarted a few seconds after it stopped itself on a failure.
 * Starting reads the log, which may take a while, so it happens on a thread of its own, one change at a time, never
 * on the caller's.
 */
public final class ReconnectingZooKeeperService implements ConnectionFollower {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingZooKeeperService.class);
    private static final long RESTART_DELAY_SECONDS = 5;

    private final ZooKeeperSettings settings;
    private final ExecutorService changes;
    private CassandraConnection current; // guarded by this
    private boolean closed; // guarded by this
    private volatile ZooKeeperService running; // only the changes thread writes it
    private long starts; // on the changes thread: how many instances were started

    public ReconnectingZooKeeperService(ZooKeeperSettings settings) {
        this.settings = settings;
        this.changes = Executors.newSingleThreadExecutor(
                DaemonThreads.named("kafka-cassandra-zookeeper-" + settings.serviceName()));
    }

    @Override
    public synchronized void connect(CassandraConnection connection) {
        if (closed) {
            return;
        }
        current = connection;
        changes.execute(this::follow);
    }

    @Override
    public synchronized void disconnect(CassandraConnection connection) {
        if (!closed && current == connection) {
            current = null;
            changes.execute(this::follow);
        }
    }

    /** The running instance, or null while there is no connection (or it could not start). */
    public ZooKeeperService running() {
        return running;
    }

    /** On the changes thread: stops what runs, starts on the current connection if there is one. */
    private void follow() {
        CassandraConnection target;
        synchronized (this) {
            target = closed ? null : current;
        }
        ZooKeeperService old = running;
        running = null;
        if (old != null) {
            old.close();
        }
        if (target != null) {
            try {
                long generation = ++starts;
                running = ZooKeeperService.start(
                        target.session(), target.settings(), settings, () -> restartLater(generation));
            } catch (RuntimeException e) {
                LOG.error("the ZooKeeper service {} cannot start: {}", settings.serviceName(), e.getMessage(), e);
            }
        }
    }

    /**
     * After an instance stopped itself: a new one on the current connection, a little later, unless another was
     * started meanwhile (a new connection) or this is closed ({@link #follow} then stops what runs).
     */
    private void restartLater(long generation) {
        LOG.warn(
                "the ZooKeeper service {} stopped after a failure; it starts again in {} s",
                settings.serviceName(),
                RESTART_DELAY_SECONDS);
        CompletableFuture.delayedExecutor(RESTART_DELAY_SECONDS, TimeUnit.SECONDS, changes)
                .execute(() -> {
                    if (starts == generation) {
                        follow();
                    }
                });
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            changes.execute(this::follow); // stops what runs
        }
        changes.shutdown(); // runs what is queued, that stop included (shutdownNow would drop it)
        try {
            if (!changes.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("the ZooKeeper service {} did not stop within 60 s", settings.serviceName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        changes.shutdownNow();
    }
}
