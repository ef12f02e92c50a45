package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the session in the background and tries again until it works: Cassandra may start after the container,
 * and an operator may fix credentials, grants, certificates or the schema on the Cassandra side. Attempts back
 * off from 1 s to {@value #MAX_DELAY_SECONDS} s. The first failure, and every change of reason, is logged as an
 * error; repeats go to DEBUG, so an outage does not flood the log. {@link SessionStatus} holds the last reason.
 */
public final class SessionOpener implements AutoCloseable {
    static final long MAX_DELAY_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(SessionOpener.class);

    private final CassandraSettings settings;
    private final ClassLoader classLoader;
    private final Consumer<CqlSession> onOpen;
    private final ScheduledExecutorService thread = DaemonThreads.scheduler("kafka-cassandra-session-open");
    private int failures; // on the thread only
    private String lastReason; // on the thread only
    private CqlSession session; // guarded by this
    private DriverMetricsJmx driverMetrics; // guarded by this
    private boolean closed; // guarded by this

    /** Starts opening at once; {@code onOpen} runs on the opener's thread once, with the open session. */
    public SessionOpener(CassandraSettings settings, ClassLoader classLoader, Consumer<CqlSession> onOpen) {
        this.settings = settings;
        this.classLoader = classLoader;
        this.onOpen = onOpen;
        SessionStatus.report("connecting to " + settings.contactPointsText());
        thread.execute(this::attempt);
    }

    static Duration delayAfter(int failures) {
        return Duration.ofSeconds(Math.min(MAX_DELAY_SECONDS, 1L << Math.min(failures - 1, 5)));
    }

    private void attempt() {
        CqlSession opened;
        try {
            opened = SessionFactory.open(settings, classLoader);
        } catch (RuntimeException e) {
            failures++;
            Duration delay = delayAfter(failures);
            String reason = e.getMessage();
            SessionStatus.report(reason + " (" + failures + " failed attempts, next in " + delay.toSeconds() + " s)");
            if (!reason.equals(lastReason)) {
                LOG.error(
                        "kafka-cassandra: the services are unavailable: {}. Trying again (every {} s at most)"
                                + " until it works or the configuration changes",
                        reason,
                        MAX_DELAY_SECONDS);
                lastReason = reason;
            } else {
                LOG.debug("kafka-cassandra: attempt {} failed again: {}", failures, reason);
            }
            synchronized (this) {
                if (!closed) {
                    thread.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            return;
        }
        synchronized (this) {
            if (closed) {
                opened.close();
                return;
            }
            session = opened;
            driverMetrics = DriverMetricsJmx.publish(opened);
            if (failures > 0) {
                LOG.info("kafka-cassandra: connected after {} failed attempts", failures);
            }
            onOpen.accept(opened);
            SessionStatus.clear(); // after onOpen: until the session is handed over, it is still "connecting
        }
    }

    /** Stops trying and closes the session if it was opened. */
    @Override
    public void close() {
        CqlSession s;
        DriverMetricsJmx m;
        synchronized (this) {
            closed = true;
            s = session;
            m = driverMetrics;
            session = null;
            driverMetrics = null;
        }
        DaemonThreads.shutdown(thread);
        if (m != null) {
            m.close();
        }
        if (s != null) {
            s.close();
        }
    }
}
