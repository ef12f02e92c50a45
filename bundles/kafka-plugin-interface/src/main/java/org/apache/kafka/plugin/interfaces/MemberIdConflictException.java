package org.apache.kafka.plugin.interfaces;

/** {@link GroupMembershipClient#join} with an id that another live member of the group holds. */
public class MemberIdConflictException extends CoordinationException {
    private static final long serialVersionUID = 1L;
    private final String group;
    private final String id;

    public MemberIdConflictException(String group, String id) {
        super("member id " + id + " is already held by a live member of group " + group);
        this.group = group;
        this.id = id;
    }

    public String group() {
        return group;
    }

    public String id() {
        return id;
    }
}
