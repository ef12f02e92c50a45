package org.apache.kafka.plugin.interfaces;

import java.util.Optional;

/** {@link LeaderElectionClient} with fencing epochs and the leader's own view of its lease. */
public interface FencedLeaderElectionClient extends LeaderElectionClient {
    /** The current leadership as the store has it (a linearizable read), or empty when the post is vacant. */
    Optional<Leadership> currentLeadership();

    /**
     * The leadership that {@code candidate} holds through this client, if its lease is still valid by the local
     * deadline: a monotonic-clock instant strictly before the earliest moment the lease can expire in the store.
     * A leader checks this before each leader action and passes the epoch along with it.
     */
    Optional<Leadership> heldLeadership(String candidate);
}
