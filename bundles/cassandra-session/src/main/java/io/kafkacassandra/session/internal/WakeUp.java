package io.kafkacassandra.session.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a poll as soon as its executor is free, besides its period: the change feed's wake-up of a watcher. Wake-ups
 * before the woken poll starts are one poll; one after it started is another, since the running poll may have
 * read before the change. Woken polls start at least {@code minGapMillis} apart, so that a key written faster than
 * that costs its watchers a bounded number of reads. Never blocks, so that the feed's thread can call it.
 */
public final class WakeUp implements Runnable {
    private final ScheduledExecutorService executor;
    private final Runnable poll;
    private final long minGapNanos;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile long lastStart = System.nanoTime() - Long.MAX_VALUE / 2;

    public WakeUp(ScheduledExecutorService executor, Runnable poll, long minGapMillis) {
        this.executor = executor;
        this.poll = poll;
        this.minGapNanos = TimeUnit.MILLISECONDS.toNanos(minGapMillis);
    }

    @Override
    public void run() {
        after(0);
    }

    /** Wakes the poll in {@code delayMillis} at the earliest (a retry after a failed poll). */
    public void after(long delayMillis) {
        if (queued.compareAndSet(false, true)) {
            long delay =
                    Math.max(TimeUnit.MILLISECONDS.toNanos(delayMillis), lastStart + minGapNanos - System.nanoTime());
            try {
                executor.schedule(this::runPoll, Math.max(0, delay), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                queued.set(false); // stopped: nothing left to poll for
            }
        }
    }

    private void runPoll() {
        queued.set(false);
        lastStart = System.nanoTime();
        poll.run();
    }
}
