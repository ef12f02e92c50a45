package io.kafkacassandra.session;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a lease-keeping client (leader election, group membership): a worker for every Cassandra call
 * (renewals every renew period, polls every poll period, one at a time), a timer that keeps the local lease
 * deadlines and never waits for I/O, and a notifier that calls listeners in order.
 * Threads are named {@code kafka-cassandra-<kind>[-deadline|-notify]-<name>}.
 */
public final class LeaseWorkers {
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService timer;
    private final SerialNotifier notifier;

    public LeaseWorkers(String kind, String name, CassandraSettings settings, Runnable renew, Runnable poll) {
        worker = DaemonThreads.scheduler("kafka-cassandra-" + kind + "-" + name);
        timer = DaemonThreads.scheduler("kafka-cassandra-" + kind + "-deadline-" + name);
        notifier = new SerialNotifier("kafka-cassandra-" + kind + "-notify-" + name);
        long renewMillis = settings.renewPeriod().toMillis();
        worker.scheduleWithFixedDelay(renew, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(poll, 0, settings.pollPeriod().toMillis(), TimeUnit.MILLISECONDS);
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
        DaemonThreads.shutdown(worker);
        DaemonThreads.shutdown(timer);
    }
}
