package org.apache.kafka.plugin.interfaces;

import java.util.Map;
import java.util.Set;

/**
 * A connector for group membership protocol. Supports two modes:
 * 1) "joining" (becoming the member, leaving the group, subscribing to change notifications)
 * 2) "observing" (fetching group state, subscribing to change notifications)
 */
public interface GroupMembershipClient {
    /**
     * Each instance of this class is tightly coupled with exactly one group,
     * once set (during initialization) cannot be changed.
     *
     * @return unique group identifier among all application groups
     */
    String group();

    /**
     * Become a member of this group. Throw an exception in case of ID conflict.
     *
     * @param id   unique member identifier among members of this group
     * @param data supplemental data to be stored along with member ID
     * @throws MemberIdConflictException while another live member holds {@code id}
     */
    void join(String id, String data);

    /**
     * Stop membership in this group.
     *
     * @param id unique member identifier among members of this group
     */
    void leave(String id);

    /**
     * Fetch membership of this group.
     *
     * @return IDs of the members of this group
     */
    Set<String> membershipList();

    /**
     * Fetch detailed membership of this group.
     *
     * @return IDs and corresponding supplemental data of the members of this group
     */
    Map<String, String> membership();

    /** A callback fired on event. */
    interface Listener {
        /**
         * Event fired when the group membership has changed (member(s) joined and/or left).
         *
         * @param membership new membership of the group
         */
        void onGroupChange(Set<String> membership);
    }

    /**
     * Register permanent on group change listener.
     * There is no guarantee listener will be fired on ALL events (due to session reconnects etc).
     *
     * @param listener see {@link Listener}
     */
    void addListener(Listener listener);

    /**
     * Deregister on group change listener.
     *
     * @param listener see {@link Listener}
     */
    void removeListener(Listener listener);

    /**
     * Setup everything needed for concrete implementation.
     *
     * @param context implementation specific; see the implementation's documentation for what it accepts
     *                ({@code null} is always accepted when the implementation was fully built by its factory)
     */
    void init(Object context);

    /** Release all acquired resources. */
    void close();
}
