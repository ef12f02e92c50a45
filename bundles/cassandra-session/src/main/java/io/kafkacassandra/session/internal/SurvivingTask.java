package io.kafkacassandra.session.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic background task (renewal, poll) that survives its own unexpected exceptions: a
 * {@link java.util.concurrent.ScheduledExecutorService} silently stops running a periodic task that throws once,
 * which would end a lease's renewals or a namespace's polls without a word. Each failure is counted; the first
 * is logged with its stack trace, later ones at most once a minute.
 */
public final class SurvivingTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SurvivingTask.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String name;
    private final Runnable task;
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastLogged;

    public SurvivingTask(String name, Runnable task) {
        this.name = name;
        this.task = task;
    }

    @Override
    public void run() {
        try {
            task.run();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            long count = failures.incrementAndGet();
            long now = System.nanoTime();
            if (count == 1 || now - lastLogged >= LOG_EVERY_NANOS) {
                lastLogged = now;
                LOG.error("{} failed unexpectedly ({} times so far); it runs again at its next period", name, count, e);
            }
        }
    }

    /** How many runs ended with an unexpected exception. */
    public long failures() {
        return failures.get();
    }
}
