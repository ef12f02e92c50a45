package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;

/** Records what a leader listener is told, with the monotonic time it was told. */
final class Events implements LeaderElectionClient.Listener {
    record Event(Optional<String> leader, long nanos) {}

    final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    @Override
    public void onLeaderChange(Optional<String> leader) {
        queue.add(new Event(leader, System.nanoTime()));
    }

    /** Waits for the next event that names {@code expected}, skipping others; fails after the timeout. */
    Event await(Optional<String> expected, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Event e = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "not told " + expected + " within " + timeoutMs + " ms");
            if (e.leader().equals(expected)) {
                return e;
            }
        }
    }
}
