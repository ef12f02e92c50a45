package org.apache.kafka.plugin.interfaces;

/**
 * A write fenced by a {@link Leadership} was refused, and changed nothing, because a write fenced by a newer epoch
 * of the same service has reached the namespace: the writer is no longer the leader and must stop acting as one.
 */
public class FencedOutException extends CoordinationException {
    private static final long serialVersionUID = 1L;
    private final String service;
    private final long epoch;
    private final long newerEpoch;

    public FencedOutException(String what, Leadership leadership, long newerEpoch) {
        super(what + " refused: epoch " + leadership.epoch() + " of " + leadership.service()
                + " is fenced out by epoch " + newerEpoch + "; nothing was changed");
        this.service = leadership.service();
        this.epoch = leadership.epoch();
        this.newerEpoch = newerEpoch;
    }

    public String service() {
        return service;
    }

    /** The epoch of the refused write. */
    public long epoch() {
        return epoch;
    }

    /** The newer epoch that fenced the namespace. */
    public long newerEpoch() {
        return newerEpoch;
    }
}
