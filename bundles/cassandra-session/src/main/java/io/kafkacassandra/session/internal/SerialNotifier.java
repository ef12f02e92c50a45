package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.monitoring.Outcomes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls listeners on one thread, in the order events were produced, so that no listener sees events out of
 * order; a listener that throws is logged and does not stop the others.
 */
public final class SerialNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SerialNotifier.class);
    private final ExecutorService executor;
    private final Outcomes outcomes;

    public SerialNotifier(String name, Outcomes outcomes) {
        this.executor = Executors.newSingleThreadExecutor(DaemonThreads.named(name));
        this.outcomes = outcomes;
    }

    /** Queues a call; {@code description} names the listener and the event in the log if it throws. */
    public void submit(String description, Runnable call) {
        try {
            executor.execute(() -> {
                long start = System.nanoTime();
                try {
                    call.run();
                    outcomes.succeeded(System.nanoTime() - start);
                } catch (RuntimeException | Error e) {
                    outcomes.failed(e);
                    LOG.warn("listener failed on {}: {}", description, e.toString(), e);
                }
            });
        } catch (RejectedExecutionException closed) {
            LOG.debug("not delivered after close: {}", description);
        }
    }

    /** Delivers what was already queued (for at most a few seconds), then stops the thread. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("a listener is still running 5 s after close; interrupting it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DaemonThreads.shutdown(executor);
    }
}
