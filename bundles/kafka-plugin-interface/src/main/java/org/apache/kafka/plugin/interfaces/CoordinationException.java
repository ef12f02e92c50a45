package org.apache.kafka.plugin.interfaces;

/** Base of the errors a coordination service reports. Unchecked, as in the Scala original. */
public class CoordinationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CoordinationException(String message) {
        super(message);
    }

    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }
}
