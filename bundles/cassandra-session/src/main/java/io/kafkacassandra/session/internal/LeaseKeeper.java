package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.slf4j.Logger;

/**
 * The lease recipe that leader election and group membership share (compare Curator's {@code PersistentNode}):
 * it keeps the leases a client holds, renews them, keeps their local deadlines and says when one is lost. The
 * services keep their CQL and their semantics: how a lease is taken, what a lost one means, who is told.
 *
 * <ul>
 *   <li>Renewal, every {@link LeaseWorkers#renewInterval}, on its own thread: a renewal that Cassandra applied
 *       extends the deadline from the moment it was sent (if the lease is still valid); one it refused loses the
 *       lease; one without an answer changes nothing, so the deadline comes closer.</li>
 *   <li>Deadline: a timer that never waits for I/O loses a lease at its local deadline, whatever the requests
 *       do. A lost lease is not released: the time until Cassandra expires it covers actions still in flight.</li>
 *   <li>A lease ends once, by {@link #release} (the service gave it up) or by loss (the service's
 *       {@link LossHandler} is called, outside any lock of this class).</li>
 * </ul>
 *
 * <p>The threads ({@link LeaseWorkers}) start with {@link #start()}: the worker runs the service's poll and its
 * other Cassandra calls, the notifier its listener calls. Lock order: a service may call in here while holding
 * its own lock; this class calls the service's hooks without holding any lock of its own.
 *
 * @param <T> what a lease is held for
 */
public final class LeaseKeeper<T> {
    /** The conditional write that renews {@code lease} (applied only if Cassandra still holds it). */
    public interface Renewal<T> {
        CqlRunner.Attempt renew(HeldLease<T> lease);
    }

    /** Called once when a held lease is lost: refused by Cassandra or past its local deadline. */
    public interface LossHandler<T> {
        void lost(HeldLease<T> lease, String why);
    }

    private final String kind;
    private final String name;
    private final CassandraSettings settings;
    private final ServiceMonitor monitor;
    private final Logger log;
    private final LeaseClock clock;
    private final OutageLog renewOutage;
    private final Renewal<T> renewal;
    private final LossHandler<T> onLoss;
    private final Runnable poll;
    private final Runnable afterRenewals;
    private final Set<HeldLease<T>> held = ConcurrentHashMap.newKeySet();
    private LeaseWorkers workers; // guarded by this; null until start()
    private ChangeFeed feed; // guarded by this; null: polls only at their period
    private String topic;
    private ChangeFeed.Subscription wakeUps; // guarded by this; the feed's subscription while the threads run

    /**
     * @param poll          run on the worker every poll period
     * @param afterRenewals run on the renewal thread after each round of renewals (for example, joining lost
     *                      members again)
     */
    public LeaseKeeper(
            String kind,
            String name,
            CassandraSettings settings,
            ServiceMonitor monitor,
            Logger log,
            Renewal<T> renewal,
            LossHandler<T> onLoss,
            Runnable poll,
            Runnable afterRenewals) {
        this.kind = kind;
        this.name = name;
        this.settings = settings;
        this.monitor = monitor;
        this.log = log;
        this.clock = new LeaseClock(settings);
        this.renewOutage = new OutageLog(log, "lease renewal of " + kind + " " + name, monitor.renewals());
        this.renewal = renewal;
        this.onLoss = onLoss;
        this.poll = poll;
        this.afterRenewals = afterRenewals;
        monitor.leaseDeadline(this::millisToDeadline);
    }

    public LeaseClock clock() {
        return clock;
    }

    /** The outage log of renewals, for what the service does after them. */
    public OutageLog renewOutage() {
        return renewOutage;
    }

    /**
     * Polls also whenever the change feed has a hint of {@code topic} (another client's write there), once the
     * threads run; before {@link #start()}.
     */
    public synchronized void pollOnChanges(ChangeFeed feed, String topic) {
        this.feed = feed;
        this.topic = topic;
    }

    /** Starts the threads if they are not running yet. */
    public synchronized void start() {
        if (workers == null) {
            workers = new LeaseWorkers(kind, name, settings, this::renewAll, poll, monitor.listenerCallbacks());
            if (feed != null) {
                wakeUps = feed.subscribe(topic, workers::wakePoll);
            }
        }
    }

    /**
     * Tells the watchers of the topic that this client changed it, if {@code write} was applied or may have been:
     * called after the write, so that the polls it wakes can read it. Their polls are linearizable reads, which
     * finish a write whose outcome is still unknown, so the hint need not wait for it to be settled.
     */
    public void announceIfMaybeApplied(CqlRunner.Attempt write) {
        ChangeFeed f;
        synchronized (this) {
            f = feed;
        }
        if (f != null && (!write.answered() || write.result().wasApplied())) {
            f.announce(topic);
        }
    }

    /** The worker, for the service's Cassandra calls in the background; after {@link #start()}. */
    public synchronized ScheduledExecutorService worker() {
        return started().worker();
    }

    /** Calls listeners one at a time, in order; after {@link #start()}. */
    public synchronized SerialNotifier notifier() {
        return started().notifier();
    }

    private LeaseWorkers started() {
        if (workers == null) {
            throw new IllegalStateException("the lease threads of " + kind + " " + name + " are not started");
        }
        return workers;
    }

    /**
     * Holds the lease {@code id}, written by a request sent at {@code sentAt}, and keeps it from now on. A lease
     * whose deadline has already passed is lost at once, on the timer: never on the caller's thread, which may hold
     * its service's lock and not yet have stored the lease where the loss handler looks for it.
     */
    public HeldLease<T> hold(T subject, UUID id, long sentAt) {
        LeaseWorkers w;
        synchronized (this) {
            w = started();
        }
        HeldLease<T> lease = new HeldLease<>(subject, id, clock.deadlineFor(sentAt), clock);
        held.add(lease);
        w.atDeadline(lease.nanosToDeadline(), () -> checkDeadline(lease));
        return lease;
    }

    /** Ends {@code lease} without telling the loss handler; true if it was still held. */
    public boolean release(HeldLease<T> lease) {
        held.remove(lease);
        return lease.end();
    }

    /** Loses {@code lease} (refused, past its deadline, or shown ended by a read), once. */
    public void lose(HeldLease<T> lease, String why) {
        held.remove(lease);
        if (lease.end()) {
            onLoss.lost(lease, why);
        }
    }

    /** Milliseconds to the nearest local deadline of a lease held here, -1 if none. */
    long millisToDeadline() {
        return held.stream()
                .mapToLong(l -> TimeUnit.NANOSECONDS.toMillis(l.nanosToDeadline()))
                .min()
                .orElse(-1);
    }

    /**
     * Stops the threads (waiting for them), then runs {@code releases} (the service giving its leases back in
     * Cassandra), then lets the notifier finish what it was told. Does nothing but {@code releases} if the
     * threads never started.
     */
    public void close(Runnable releases) {
        LeaseWorkers w;
        ChangeFeed.Subscription subscription;
        synchronized (this) {
            w = workers;
            subscription = wakeUps;
        }
        if (subscription != null) {
            subscription.close();
        }
        if (w != null) {
            w.stopScheduling();
        }
        releases.run();
        if (w != null) {
            w.notifier().close();
        }
    }

    /** On the renewal thread. */
    private void renewAll() {
        for (HeldLease<T> lease : List.copyOf(held)) {
            long sentAt = clock.now();
            try {
                CqlRunner.Attempt attempt = renewal.renew(lease);
                if (!attempt.answered()) {
                    renewOutage.failed(attempt.unknownCause()); // the deadline stays where it was
                    continue;
                }
                renewOutage.succeeded(sentAt);
                if (attempt.result().wasApplied()) {
                    lease.extend(sentAt);
                } else {
                    lose(lease, "its lease is no longer in Cassandra");
                }
            } catch (StoreUnavailableException | OutcomeUnknownException e) {
                renewOutage.failed(e);
            } catch (RuntimeException e) {
                log.error("renewal of a lease of {} {} failed", kind, name, e);
            }
        }
        afterRenewals.run();
    }

    /** On the timer, which never waits for I/O. */
    private void checkDeadline(HeldLease<T> lease) {
        if (!lease.isHeld()) {
            return;
        }
        if (lease.isValid()) {
            LeaseWorkers w;
            synchronized (this) {
                w = workers;
            }
            w.atDeadline(lease.nanosToDeadline(), () -> checkDeadline(lease));
            return;
        }
        lose(lease, "its lease was not renewed before the local deadline");
    }
}
