package io.kafkacassandra.session.monitoring;

import java.util.Map;

/**
 * A kafka-cassandra service seen through JMX, as {@code io.kafkacassandra:type=<Type>,name="<name>"}: its health
 * and its metrics since it was created. Times are milliseconds; latencies are over roughly the last five minutes.
 */
public interface ServiceMonitorMXBean {
    /** CONNECTED, DEGRADED or UNAVAILABLE. */
    String getStatus();

    String getStatusReason();

    /** Calls per operation (put, fetch, nominate, join, ...), failed ones included. */
    Map<String, Long> getCalls();

    /** Calls per operation that failed because Cassandra could not be used (StoreUnavailableException). */
    Map<String, Long> getFailedCalls();

    Map<String, Double> getCallLatencyP50Millis();

    Map<String, Double> getCallLatencyP99Millis();

    /** Writes whose outcome Cassandra left unknown (timeouts); most are settled by a linearizable read. */
    long getUnknownOutcomeWrites();

    long getLeaseRenewals();

    long getLeaseRenewalFailures();

    /** Time until the nearest local lease deadline of a lease held here, -1 if none is held. */
    long getMillisToLeaseDeadline();

    long getPolls();

    long getPollFailures();

    double getPollLatencyP99Millis();

    /** How old the newest successful poll is (the staleness of what listeners were told), -1 before the first. */
    long getMillisSinceLastPoll();

    long getListenerCallbacks();

    long getListenerErrors();
}
