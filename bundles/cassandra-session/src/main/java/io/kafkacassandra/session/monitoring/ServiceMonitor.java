package io.kafkacassandra.session.monitoring;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.kafkacassandra.session.internal.SessionStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * The metrics and the health of one service (the storage, one election, one group, the listener registry). It
 * outlives the Cassandra sessions the service is rebuilt on, so its figures and its JMX name stay when the
 * configuration changes. Metrics are Dropwizard metrics (what the driver uses too); {@link JmxRegistration}
 * publishes them.
 */
public final class ServiceMonitor implements ServiceMonitorMXBean {
    /** A failure this recent still makes a working service DEGRADED. */
    static final long RECENT_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String type;
    private final String name;
    private final MetricRegistry metrics = new MetricRegistry();
    private final Counter unknownOutcomes = metrics.counter("unknown-outcome-writes");
    private final Timer renewals = metrics.timer("lease-renewals");
    private final Counter renewalFailures = metrics.counter("lease-renewal-failures");
    private final Timer polls = metrics.timer("polls");
    private final Counter pollFailures = metrics.counter("poll-failures");
    private final Counter callbacks = metrics.counter("listener-callbacks");
    private final Counter callbackErrors = metrics.counter("listener-errors");
    private final Outcomes renewalOutcomes = new Tracked(renewals, renewalFailures, "lease renewal");
    private final Outcomes pollOutcomes = new Tracked(polls, pollFailures, "poll");
    private final Outcomes callbackOutcomes = new Outcomes() {
        @Override
        public void succeeded(long nanos) {
            callbacks.inc();
        }

        @Override
        public void failed(Throwable cause) {
            callbacks.inc();
            callbackErrors.inc();
        }
    };

    private volatile CqlSession session;
    /** How {@link #health()}'s reason starts while the service waits for the session (the shell abbreviates it). */
    public static final String AWAITING_SESSION = "no Cassandra session";

    private volatile String unavailable = "not connected to Cassandra yet";
    private static final long NEVER = Long.MIN_VALUE;
    private volatile long lastSuccess = NEVER; // System.nanoTime()
    private volatile long lastPoll = NEVER;
    private volatile Failure lastFailure;
    private volatile LongSupplier leaseDeadline = () -> -1;

    private record Failure(long at, String what, String reason) {}

    /**
     * @param type the kind of service, the JMX {@code type}: Storage, LeaderElection, GroupMembership, ListenerRegistry
     * @param name the instance: the service or group name, or {@code default}
     */
    public ServiceMonitor(String type, String name) {
        this.type = type;
        this.name = name;
    }

    public String type() {
        return type;
    }

    public String name() {
        return name;
    }

    /** The Dropwizard registry with every metric of this service (timers per call are named call.<operation>). */
    public MetricRegistry metrics() {
        return metrics;
    }

    /** The service now works on {@code session}. */
    public void connected(CqlSession session) {
        this.session = session;
        this.unavailable = null;
    }

    /** The service has no session; {@code reason} says why (never a secret). */
    public void disconnected(String reason) {
        this.session = null;
        this.unavailable = reason;
    }

    /** The service waits for the container's session; the reason is what {@link SessionStatus} says then. */
    public void awaitingSession() {
        disconnected(AWAITING_SESSION);
    }

    /** Runs and times one call of the service's API. */
    public <T> T call(String operation, Supplier<T> body) {
        long start = System.nanoTime();
        try {
            T result = body.get();
            record(operation, start, null);
            return result;
        } catch (RuntimeException e) {
            record(operation, start, e);
            throw e;
        }
    }

    public void run(String operation, Runnable body) {
        call(operation, () -> {
            body.run();
            return null;
        });
    }

    /** Times a call whose work ends when its future completes. */
    public <T> CompletableFuture<T> callAsync(String operation, Supplier<CompletableFuture<T>> body) {
        long start = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = body.get();
        } catch (RuntimeException e) {
            record(operation, start, e);
            throw e;
        }
        return future.whenComplete((value, error) -> record(
                operation,
                start,
                error instanceof CompletionException && error.getCause() != null ? error.getCause() : error));
    }

    private void record(String operation, long start, Throwable error) {
        long nanos = System.nanoTime() - start;
        metrics.timer("call." + operation).update(nanos, TimeUnit.NANOSECONDS);
        if (error instanceof StoreUnavailableException
                || error instanceof org.apache.kafka.plugin.interfaces.OutcomeUnknownException) {
            metrics.counter("call." + operation + ".failures").inc();
            failed(operation, error);
        } else if (error == null || error instanceof org.apache.kafka.plugin.interfaces.CoordinationException) {
            lastSuccess = System.nanoTime(); // Cassandra answered, even if the answer was "no such key"
        }
    }

    /** A write whose outcome Cassandra left unknown, whether or not a read settled it afterwards (CqlRunner). */
    public void unknownOutcome() {
        unknownOutcomes.inc();
    }

    public Outcomes renewals() {
        return renewalOutcomes;
    }

    public Outcomes polls() {
        return pollOutcomes;
    }

    public Outcomes listenerCallbacks() {
        return callbackOutcomes;
    }

    /** Where the nearest local lease deadline comes from: milliseconds to it, or -1 when no lease is held. */
    public void leaseDeadline(LongSupplier millisToDeadline) {
        this.leaseDeadline = millisToDeadline;
    }

    private void failed(String what, Throwable cause) {
        lastFailure = new Failure(System.nanoTime(), what, String.valueOf(cause.getMessage()));
    }

    public Health health() {
        String reason = unavailable;
        if (AWAITING_SESSION.equals(reason)) {
            return new Health(
                    Health.Status.UNAVAILABLE,
                    reason + ": " + SessionStatus.problem().orElse("none is configured (io.kafkacassandra.cassandra)"));
        }
        if (reason != null) {
            return new Health(Health.Status.UNAVAILABLE, reason);
        }
        long now = System.nanoTime();
        Failure failure = lastFailure;
        long success = lastSuccess;
        if (failure != null && (success == NEVER || failure.at - success > 0)) {
            return new Health(
                    Health.Status.UNAVAILABLE,
                    failure.what + " failed " + ago(now, failure.at) + ": " + failure.reason);
        }
        List<String> down = nodesNotUp();
        if (!down.isEmpty()) {
            return new Health(Health.Status.DEGRADED, "Cassandra node(s) not up: " + String.join(", ", down));
        }
        if (failure != null && now - failure.at < RECENT_FAILURE_NANOS) {
            return new Health(
                    Health.Status.DEGRADED,
                    "works again; " + failure.what + " failed " + ago(now, failure.at) + ": " + failure.reason);
        }
        return new Health(
                Health.Status.CONNECTED,
                success == NEVER ? "connected, no request made yet" : "last request succeeded " + ago(now, success));
    }

    private List<String> nodesNotUp() {
        CqlSession s = session;
        if (s == null) {
            return List.of();
        }
        return s.getMetadata().getNodes().values().stream()
                .filter(n -> n.getState() != NodeState.UP)
                .map(n -> n.getEndPoint().toString() + " " + n.getState())
                .sorted()
                .toList();
    }

    private static String ago(long now, long at) {
        return TimeUnit.NANOSECONDS.toMillis(now - at) + " ms ago";
    }

    private final class Tracked implements Outcomes {
        private final Timer timer;
        private final Counter failures;
        private final String what;

        Tracked(Timer timer, Counter failures, String what) {
            this.timer = timer;
            this.failures = failures;
            this.what = what;
        }

        @Override
        public void succeeded(long nanos) {
            timer.update(nanos, TimeUnit.NANOSECONDS);
            long now = System.nanoTime();
            lastSuccess = now;
            if (timer == polls) {
                lastPoll = now;
            }
        }

        @Override
        public void failed(Throwable cause) {
            failures.inc();
            ServiceMonitor.this.failed(what, cause);
        }
    }

    // JMX view.

    @Override
    public String getStatus() {
        return health().status().name();
    }

    @Override
    public String getStatusReason() {
        return health().reason();
    }

    @Override
    public Map<String, Long> getCalls() {
        Map<String, Long> calls = new TreeMap<>();
        metrics.getTimers((n, m) -> n.startsWith("call."))
                .forEach((n, t) -> calls.put(n.substring("call.".length()), t.getCount()));
        return calls;
    }

    @Override
    public Map<String, Long> getFailedCalls() {
        Map<String, Long> failed = new TreeMap<>();
        metrics.getCounters((n, m) -> n.startsWith("call.") && n.endsWith(".failures"))
                .forEach((n, c) ->
                        failed.put(n.substring("call.".length(), n.length() - ".failures".length()), c.getCount()));
        return failed;
    }

    @Override
    public Map<String, Double> getCallLatencyP50Millis() {
        return perOperation(t -> millis(t.getSnapshot().getMedian()));
    }

    @Override
    public Map<String, Double> getCallLatencyP99Millis() {
        return perOperation(t -> millis(t.getSnapshot().get99thPercentile()));
    }

    private Map<String, Double> perOperation(java.util.function.ToDoubleFunction<Timer> value) {
        Map<String, Double> result = new TreeMap<>();
        metrics.getTimers((n, m) -> n.startsWith("call."))
                .forEach((n, t) -> result.put(n.substring("call.".length()), value.applyAsDouble(t)));
        return result;
    }

    @Override
    public long getUnknownOutcomeWrites() {
        return unknownOutcomes.getCount();
    }

    @Override
    public long getLeaseRenewals() {
        return renewals.getCount();
    }

    @Override
    public long getLeaseRenewalFailures() {
        return renewalFailures.getCount();
    }

    @Override
    public long getMillisToLeaseDeadline() {
        return leaseDeadline.getAsLong();
    }

    @Override
    public long getPolls() {
        return polls.getCount();
    }

    @Override
    public long getPollFailures() {
        return pollFailures.getCount();
    }

    @Override
    public double getPollLatencyP99Millis() {
        return millis(polls.getSnapshot().get99thPercentile());
    }

    @Override
    public long getMillisSinceLastPoll() {
        long at = lastPoll;
        return at == NEVER ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at);
    }

    @Override
    public long getListenerCallbacks() {
        return callbacks.getCount();
    }

    @Override
    public long getListenerErrors() {
        return callbackErrors.getCount();
    }

    private static double millis(double nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    @Override
    public String toString() {
        return type + " " + name + ": " + health();
    }
}
