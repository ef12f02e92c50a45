package io.kafkacassandra.session.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a poll as soon as its executor is free, besides its period: the change feed's wake-up of a watcher. Wake-ups
 * before the woken poll starts are one poll; one after it started is another, since the running poll may have
 * read before the change. Never blocks, so that the feed's thread can call it.
 */
public final class WakeUp implements Runnable {
    private final Executor executor;
    private final Runnable poll;
    private final AtomicBoolean queued = new AtomicBoolean();

    public WakeUp(Executor executor, Runnable poll) {
        this.executor = executor;
        this.poll = poll;
    }

    @Override
    public void run() {
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    queued.set(false);
                    poll.run();
                });
            } catch (RejectedExecutionException closing) {
                queued.set(false); // stopped: nothing left to poll for
            }
        }
    }
}
