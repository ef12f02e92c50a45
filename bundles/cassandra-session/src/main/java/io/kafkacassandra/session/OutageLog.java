package io.kafkacassandra.session;

import org.slf4j.Logger;

/**
 * Logs a background task's trouble with Cassandra once when it starts and once when it ends, so that an
 * outage does not flood the log with one line per poll.
 */
public final class OutageLog {
    private final Logger log;
    private final String task;
    private int failures;

    public OutageLog(Logger log, String task) {
        this.log = log;
        this.task = task;
    }

    public synchronized void failed(RuntimeException e) {
        if (failures++ == 0) {
            log.warn("{} stalls while Cassandra cannot be reached: {}", task, e.getMessage());
        } else {
            log.debug("{} failed again: {}", task, e.getMessage());
        }
    }

    public synchronized void succeeded() {
        if (failures > 0) {
            log.info("{} works again after {} failed attempts", task, failures);
            failures = 0;
        }
    }
}
