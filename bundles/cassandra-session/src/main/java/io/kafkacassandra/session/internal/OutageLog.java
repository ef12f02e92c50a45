package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.monitoring.Outcomes;
import org.slf4j.Logger;

/**
 * Logs a background task's trouble with Cassandra once when it starts and once when it ends, so that an
 * outage does not flood the log with one line per poll (the runs in between are at DEBUG), and reports every
 * outcome to the task's metrics.
 */
public final class OutageLog {
    private final Logger log;
    private final String task;
    private final Outcomes outcomes;
    private int failures;

    public OutageLog(Logger log, String task, Outcomes outcomes) {
        this.log = log;
        this.task = task;
        this.outcomes = outcomes;
    }

    public synchronized void failed(RuntimeException e) {
        outcomes.failed(e);
        if (failures++ == 0) {
            log.warn("{} stalls while Cassandra cannot be reached: {}", task, e.getMessage());
        } else {
            log.debug("{} failed again: {}", task, e.getMessage());
        }
    }

    /** A run that started at {@code startNanos} (System.nanoTime) succeeded. */
    public synchronized void succeeded(long startNanos) {
        outcomes.succeeded(System.nanoTime() - startNanos);
        if (failures > 0) {
            log.info("{} works again after {} failed attempts", task, failures);
            failures = 0;
        }
    }
}
