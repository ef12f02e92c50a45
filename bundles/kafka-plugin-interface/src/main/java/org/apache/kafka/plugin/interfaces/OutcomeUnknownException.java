package org.apache.kafka.plugin.interfaces;

/**
 * A write may or may not have taken effect, and the implementation could not find out which (it tries to, with
 * a linearizable read, before it gives up). The caller must read the current state before it acts on the write.
 * Never thrown for a write that is known to have been applied or known not to have been.
 *
 * <p>Deliberately not a {@link StoreUnavailableException}, whose contract is "nothing was changed": a
 * {@code catch (StoreUnavailableException e)} must never swallow a write that may have landed.
 */
public class OutcomeUnknownException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
