package io.kafkacassandra.session.internal;

import java.util.UUID;

/**
 * A lease this process holds in Cassandra: the id written with it, what it is held for, and the local deadline
 * until which it is trusted (see {@link LeaseClock}). It ends once, by loss or release, and is never held again:
 * a later lease of the same subject is a new one.
 *
 * @param <T> what the lease is held for (a leadership term, a group member)
 */
public final class HeldLease<T> {
    private final T subject;
    private final UUID id;
    private final LeaseClock clock;
    // Guarded by this.
    private long deadline;
    private boolean held = true;

    HeldLease(T subject, UUID id, long deadline, LeaseClock clock) {
        this.subject = subject;
        this.id = id;
        this.deadline = deadline;
        this.clock = clock;
    }

    public T subject() {
        return subject;
    }

    public UUID id() {
        return id;
    }

    /** Held and before its local deadline: the only state in which its holder may act on it. */
    public synchronized boolean isValid() {
        return held && clock.isBefore(deadline);
    }

    synchronized boolean isHeld() {
        return held;
    }

    synchronized long nanosToDeadline() {
        return clock.nanosUntil(deadline);
    }

    /**
     * Moves the deadline to that of a renewal sent at {@code sentAt}, only if the lease is still valid: a lease
     * past its deadline is lost even if a late renewal lands, since a successor may already be acting.
     */
    synchronized boolean extend(long sentAt) {
        if (!isValid()) {
            return false;
        }
        deadline = Math.max(deadline, clock.deadlineFor(sentAt));
        return true;
    }

    /** Ends the lease; true only for the call that ended it. */
    synchronized boolean end() {
        boolean was = held;
        held = false;
        return was;
    }
}
