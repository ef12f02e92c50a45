package org.apache.kafka.plugin.interfaces;

import java.util.Optional;

/**
 * A {@link LeaderElectionClient.Listener} that is told the whole {@link Leadership}, with its fencing epoch,
 * instead of the leader's id alone. A {@link FencedLeaderElectionClient} calls {@link #onLeadershipChange} and
 * never {@link #onLeaderChange} on a listener of this type.
 *
 * <p>Events arrive in epoch order: a listener never hears a leadership after a newer one, nor a leadership again
 * after it heard that it ended.
 */
public interface LeadershipListener extends LeaderElectionClient.Listener {
    /** The service's leadership changed: the new one, or empty when the post became vacant. */
    void onLeadershipChange(Optional<Leadership> leadership);

    /** Delivered as {@link #onLeadershipChange}; never called by a {@link FencedLeaderElectionClient}. */
    @Override
    default void onLeaderChange(Optional<String> leader) {}
}
