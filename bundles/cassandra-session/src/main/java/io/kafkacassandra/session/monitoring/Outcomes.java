package io.kafkacassandra.session.monitoring;

/** Where a repeated background task (a poll, a lease renewal, a listener call) reports each outcome. */
public interface Outcomes {
    Outcomes NONE = new Outcomes() {
        @Override
        public void succeeded(long nanos) {
        }

        @Override
        public void failed(Throwable cause) {
        }
    };

    /** One run succeeded and took {@code nanos}. */
    void succeeded(long nanos);

    void failed(Throwable cause);
}
