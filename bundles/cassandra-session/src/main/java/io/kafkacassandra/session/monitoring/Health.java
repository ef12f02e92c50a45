package io.kafkacassandra.session.monitoring;

/**
 * What a service can do right now, with the reason an operator needs.
 *
 * @param status CONNECTED: its last request to Cassandra succeeded and every node is up; DEGRADED: it works, but a
 *               node is down or it failed in the last minute; UNAVAILABLE: it has no session or its last request
 *               failed
 * @param reason what it is based on, e.g. the last error; never a secret
 */
public record Health(Status status, String reason) {
    public enum Status {
        CONNECTED,
        DEGRADED,
        UNAVAILABLE
    }

    @Override
    public String toString() {
        return status + " (" + reason + ")";
    }
}
