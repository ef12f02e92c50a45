package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.kafkacassandra.session.internal.CqlRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * The attempts of one storage call, and what they allow the call to conclude.
 *
 * <p>Each attempt is a conditional write that produces version {@code target} of the key and stamps the row with
 * a fresh id. An attempt whose outcome is unknown may still take effect later (a request queued at a frozen
 * coordinator runs when it thaws), so a read that does not show it proves nothing by itself. What does: versions
 * move one at a time and only by conditional writes, so exactly one write produces each version, and the row at
 * that version names it. Hence, for a state {@code (version, writeId)} seen by a linearizable read or returned by
 * a refused condition:
 * <ul>
 *   <li>no row: the key was never created, or its deletion marker was purged, which raised the namespace's floor
 *       to the marker's version (see {@link #isOwn});</li>
 *   <li>{@code writeId} is one of this call's ids: the call took effect;</li>
 *   <li>{@code version < target} of a pending attempt: it has not landed, and the call's next attempt is
 *       conditioned on the state seen, so at most one of them can: either the attempt's condition is that state,
 *       or it names one the key has left for good (versions never come back, and a creation conditioned on a floor
 *       seen while the row existed never applies: the row goes only by a purge, and every purge raises the
 *       floor);</li>
 *   <li>{@code version == target}, another id: that attempt lost for good;</li>
 *   <li>{@code version > target}, another id: it may have landed and been overwritten since: unknown.</li>
 * </ul>
 */
final class WriteCall {
    private final String what;
    private final CqlRunner cql;
    private final boolean deletes;
    private final Runnable announce;
    private final List<Attempt> pending = new ArrayList<>();
    private final List<UUID> ids = new ArrayList<>();
    private RuntimeException unknownCause;
    private Row refusal;

    private record Attempt(long target, UUID id) {}

    /**
     * @param deletes  whether the call's attempts delete the key (each leaves a marker at its target)
     * @param announce tells watchers the key's namespace changed; run after each attempt that was or may have been
     *                 applied, never before, so that a watcher it wakes reads the change
     */
    WriteCall(String what, CqlRunner cql, boolean deletes, Runnable announce) {
        this.what = what;
        this.cql = cql;
        this.deletes = deletes;
        this.announce = announce;
    }

    String what() {
        return what;
    }

    UUID newId() {
        UUID id = UUID.randomUUID();
        ids.add(id);
        return id;
    }

    /**
     * Runs an attempt that produces {@code target} with {@code id}.
     *
     * @return whether it was applied, or null if its outcome is unknown
     */
    Boolean write(Statement<?> statement, long target, UUID id) {
        CqlRunner.Attempt attempt;
        try {
            attempt = cql.write(statement, what);
        } catch (StoreUnavailableException e) {
            throw unknownOr(e);
        }
        if (attempt.answered()) {
            boolean applied = attempt.result().wasApplied();
            refusal = applied ? null : attempt.result().one();
            if (applied) {
                announce.run();
            }
            return applied;
        }
        announce.run();
        refusal = null;
        unknownCause = attempt.unknownCause();
        pending.add(new Attempt(target, id));
        return null;
    }

    /** The row a refused attempt returned (the columns of its condition), null after any other outcome. */
    Row refusal() {
        return refusal;
    }

    /** Whether an attempt of this call may still land. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Confronts a state of the key with this call's attempts.
     *
     * @return true if the state shows this call's own write
     * @throws OutcomeUnknownException if a pending attempt can no longer be decided
     */
    boolean isOwn(long version, UUID writeId, boolean exists) {
        if (!exists) {
            // No row: never created, or deleted and its marker purged, which raised the namespace's floor
            // ({@code version}) to at least the marker's version. A delete that landed left its marker at its own
            // target; any other write that landed left a live row, whose later deletion marked a version above
            // its target. From that floor on, the attempt may have landed and been purged: unknown. Below it, it
            // has not; a delete never will (the live row it needs is gone), nor a write whose target is the floor
            // (it needed a lower floor or a row); one whose target is just above the floor still may.
            long landedFloor = deletes ? 0 : 1;
            if (pending.stream().anyMatch(a -> version >= a.target + landedFloor)) {
                throw unknown("the key has no row any more and its namespace's floor reached the attempt's version");
            }
            pending.removeIf(a -> deletes || a.target == version);
            return false;
        }
        if (writeId != null && ids.contains(writeId)) {
            if (unknownCause != null) {
                // Its hint went out when the outcome was unknown, maybe before the write became readable at QUORUM;
                // the linearizable read that shows it here finished its Paxos round, so watchers woken now see it.
                announce.run();
            }
            return true;
        }
        pending.removeIf(a -> version == a.target);
        if (pending.stream().anyMatch(a -> version > a.target)) {
            throw unknown("the key has changed again since");
        }
        return false;
    }

    /** What a failure to read or write means for this call: unknown if an attempt may still land. */
    RuntimeException unknownOr(StoreUnavailableException e) {
        return pending.isEmpty() ? e : unknown(e.getMessage());
    }

    /** The error of a call that ran out of attempts. */
    RuntimeException exhausted(int attempts) {
        return pending.isEmpty()
                ? new StoreUnavailableException(what + " lost to concurrent writers " + attempts
                        + " times in a row; nothing was changed by this call")
                : unknown("no attempt got an answer");
    }

    private OutcomeUnknownException unknown(String why) {
        return new OutcomeUnknownException(
                what + ": the write may or may not have taken effect (" + CqlRunner.describe(unknownCause) + "), and "
                        + why + "; read the current state before acting on it",
                unknownCause);
    }
}
