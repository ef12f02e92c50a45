package org.apache.kafka.plugin.interfaces;

/**
 * The coordination store could not be reached or could not reach the consistency the call needs (for example
 * too few replicas alive). Nothing was changed by the failed call, unless it is an {@link OutcomeUnknownException}.
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
