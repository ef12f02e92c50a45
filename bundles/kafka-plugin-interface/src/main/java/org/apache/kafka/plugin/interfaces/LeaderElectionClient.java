package org.apache.kafka.plugin.interfaces;

import java.util.Optional;

/**
 * A connector for leadership election protocol. Supports two modes:
 * 1) "running for election" (joining the candidates for leadership, resigning as a leader, subscribing to change
 * notifications)
 * 2) "observing" (getting current leader, subscribing to change notifications)
 */
public interface LeaderElectionClient {
    /**
     * Each instance of this class is tightly coupled with leadership over exactly one service (resource),
     * once set (during initialization) cannot be changed.
     *
     * @return unique group identifier among all application services (resources)
     */
    String service();

    /**
     * Get current leader of the resource (if any).
     *
     * @return the leader id if it exists
     */
    Optional<String> getLeader();

    /**
     * Make this candidate eligible for leader election and try to obtain leadership for this service if it's vacant.
     *
     * @param candidate ID of the candidate which is eligible for election
     * @return true if given candidate is now a leader
     */
    boolean nominate(String candidate);

    /**
     * Voluntarily resign as a leader and initiate new leader election.
     * It's a client responsibility to stop all leader duties before calling this method to avoid
     * more-than-one-leader cases.
     *
     * @param leader current leader ID (will be ignored if not a leader)
     */
    void resign(String leader);

    /** A callback fired on leader change event. */
    interface Listener {
        /**
         * Event fired when the leader has changed (resigned or acquired a leadership).
         *
         * @param leader new leader for the given service if one has been elected, otherwise empty
         */
        void onLeaderChange(Optional<String> leader);
    }

    /**
     * Register permanent on leader change listener.
     * There is no guarantee listener will be fired on ALL events (due to session reconnects etc).
     *
     * @param listener see {@link Listener}
     */
    void addListener(Listener listener);

    /**
     * Deregister on leader change listener.
     *
     * @param listener see {@link Listener}
     */
    void removeListener(Listener listener);

    /**
     * Setup everything needed for concrete implementation.
     *
     * @param context implementation specific; see the implementation's documentation for what it accepts
     */
    void init(Object context);

    /** Release all acquired resources. */
    void close();
}
