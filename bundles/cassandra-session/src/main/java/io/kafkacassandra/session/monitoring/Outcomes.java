package io.kafkacassandra.session.monitoring;

/** Where a repeated background task (a poll, a lease renewal, a listener call) reports each outcome. */
public interface Outcomes {
    /** One run succeeded and took {@code nanos}. */
    void succeeded(long nanos);

    void failed(Throwable cause);
}
