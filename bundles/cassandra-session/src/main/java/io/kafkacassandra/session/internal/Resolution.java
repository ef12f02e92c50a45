package io.kafkacassandra.session.internal;

/** What a linearizable read says about a conditional write whose outcome was unknown. */
public enum Resolution {
    /** The read shows the write's own id: it took effect. */
    APPLIED,
    /** The read shows a state the write cannot have produced or passed through: it did not, and never will. */
    NOT_APPLIED
}
