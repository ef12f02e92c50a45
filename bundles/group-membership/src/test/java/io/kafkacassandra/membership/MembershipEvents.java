package io.kafkacassandra.membership;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;

/** Records group changes and lease events, with the monotonic time they arrived. */
final class MembershipEvents
        implements GroupMembershipClient.Listener, LeaseAwareGroupMembershipClient.MembershipListener {
    record Event(Object what, long nanos) {}

    final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    @Override
    public void onGroupChange(Set<String> membership) {
        queue.add(new Event(membership, System.nanoTime()));
    }

    @Override
    public void membershipLost(String id) {
        queue.add(new Event("lost " + id, System.nanoTime()));
    }

    @Override
    public void membershipRestored(String id) {
        queue.add(new Event("restored " + id, System.nanoTime()));
    }

    /** Waits for an event equal to {@code expected}, skipping others. */
    Event await(Object expected, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Event e = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "not told " + expected + " within " + timeoutMs + " ms");
            if (e.what().equals(expected)) {
                return e;
            }
        }
    }
}
