package org.apache.kafka.plugin.interfaces;

/**
 * {@link GroupMembershipClient} that tells the member's own process when its membership lease is lost (process
 * paused, store unreachable) and when it has joined again by itself, as Curator's GroupMember does.
 */
public interface LeaseAwareGroupMembershipClient extends GroupMembershipClient {
    /** Callback on the lease of a member joined through this client. */
    interface MembershipListener {
        /** The member's lease can no longer be trusted: other processes may not see it in the group. */
        void membershipLost(String id);

        /** The member is in the group again, with its data. */
        void membershipRestored(String id);
    }

    /** Whether {@code id} joined through this client and its lease is still valid by the local deadline. */
    boolean isMember(String id);

    void addMembershipListener(MembershipListener listener);

    void removeMembershipListener(MembershipListener listener);
}
