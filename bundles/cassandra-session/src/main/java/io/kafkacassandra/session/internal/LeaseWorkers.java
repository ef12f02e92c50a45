package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.monitoring.Outcomes;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a lease-keeping client (leader election, group membership): a renewer that renews the leases, a
 * worker for every other Cassandra call (polls every poll period, acquisitions, releases, one at a time), a timer
 * that keeps the local lease deadlines and never waits for I/O, and a notifier that calls listeners in order.
 * Renewals have their own thread so that a poll waiting for a slow node never delays them.
 * Threads are named {@code kafka-cassandra-<kind>[-renew|-deadline|-notify]-<name>}.
 */
public final class LeaseWorkers {
    private final ScheduledExecutorService renewer;
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService timer;
    private final SerialNotifier notifier;
    private final WakeUp pollWakeUp;

    public LeaseWorkers(
            String kind,
            String name,
            CassandraSettings settings,
            Runnable renew,
            Runnable poll,
            Outcomes listenerCalls) {
        renewer = DaemonThreads.scheduler("kafka-cassandra-" + kind + "-renew-" + name);
        worker = DaemonThreads.scheduler("kafka-cassandra-" + kind + "-" + name);
        timer = DaemonThreads.scheduler("kafka-cassandra-" + kind + "-deadline-" + name);
        notifier = new SerialNotifier("kafka-cassandra-" + kind + "-notify-" + name, listenerCalls);
        long renewMillis = renewInterval(settings).toMillis();
        renewer.scheduleAtFixedRate(
                new SurvivingTask("lease renewal of " + kind + " " + name, renew),
                renewMillis,
                renewMillis,
                TimeUnit.MILLISECONDS);
        SurvivingTask pollTask = new SurvivingTask("poll of " + kind + " " + name, poll);
        pollWakeUp = new WakeUp(worker, pollTask, 0);
        worker.scheduleWithFixedDelay(pollTask, 0, settings.pollPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * How often a lease is renewed: the renew period, but at least three times per lease validity, so that one
     * renewal that gets no answer in time still leaves another before the local deadline.
     */
    static Duration renewInterval(CassandraSettings settings) {
        Duration third = settings.leaseValidity().dividedBy(3);
        return settings.renewPeriod().compareTo(third) <= 0 ? settings.renewPeriod() : third;
    }

    /** Runs the poll on the worker as soon as it is free, besides its period (see {@link WakeUp}). */
    public void wakePoll() {
        pollWakeUp.run();
    }

    public ScheduledExecutorService worker() {
        return worker;
    }

    public SerialNotifier notifier() {
        return notifier;
    }

    /** Runs {@code check} on the timer after {@code delayNanos}; after {@link #stopScheduling()} it does not. */
    public void atDeadline(long delayNanos, Runnable check) {
        try {
            timer.schedule(check, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // the client is closing: close() takes care of what it holds
        }
    }

    /** Stops the worker and the timer, waiting for them; the notifier still delivers until it is closed. */
    public void stopScheduling() {
        DaemonThreads.shutdown(renewer);
        DaemonThreads.shutdown(worker);
        DaemonThreads.shutdown(timer);
    }
}
