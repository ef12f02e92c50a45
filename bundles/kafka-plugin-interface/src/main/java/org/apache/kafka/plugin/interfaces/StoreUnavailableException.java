package org.apache.kafka.plugin.interfaces;

/**
 * The coordination store could not be reached or could not reach the consistency the call needs (for example
 * too few replicas alive). Nothing was changed by the failed call: it may be retried as it is. A write that may
 * have taken effect is reported by {@link OutcomeUnknownException} instead, which is not a subtype of this one.
 */
public class StoreUnavailableException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
