package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.CassandraSettings;

/**
 * Local deadlines of leases, on the monotonic clock ({@link System#nanoTime()}): a lease written at local time
 * {@code t} (taken before the write is sent) is trusted until {@code t + validity}, which is strictly before the
 * earliest moment Cassandra can let it expire (see {@link CassandraSettings#leaseValidity()}).
 */
public final class LeaseClock {
    private final long validityNanos;

    public LeaseClock(CassandraSettings settings) {
        this.validityNanos = settings.leaseValidity().toNanos();
    }

    public long now() {
        return System.nanoTime();
    }

    /** The local deadline of a lease write sent at {@code sentAt}. */
    public long deadlineFor(long sentAt) {
        return sentAt + validityNanos;
    }

    /** Whether the deadline is still ahead. */
    public boolean isBefore(long deadline) {
        return System.nanoTime() - deadline < 0;
    }

    public long nanosUntil(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
