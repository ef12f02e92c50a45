package io.kafkacassandra.election;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.election.LeaderElectionTable.State;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.ChangeFeed;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.HeldLease;
import io.kafkacassandra.session.internal.LeaseKeeper;
import io.kafkacassandra.session.internal.OutageLog;
import io.kafkacassandra.session.internal.Resolution;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.kafka.plugin.interfaces.CoordinationException;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.LeadershipListener;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-30 {@link org.apache.kafka.plugin.interfaces.LeaderElectionClient} on a Cassandra lease, with fencing epochs.
 *
 * <p>The post of a service is one row. A candidate takes a vacant post with a lightweight transaction that
 * writes its lease (with the lease TTL) and the next epoch (without TTL) on condition that no lease is there and
 * the epoch is the one it read: at most one candidate takes each epoch, and epochs strictly increase. The leader
 * renews the lease every {@code plugin.cassandra.le.renew.ttl.period.ms}, conditioned on its lease id.
 *
 * <p>At most one leader at a time: the leader trusts its lease only until a local deadline on the monotonic
 * clock, {@code sent + TTL - 1 s - clock drift} after the last successful renewal was sent, which is strictly
 * before Cassandra can let the lease expire and another candidate take the post. At that deadline it stops
 * leading and tells its listeners, whatever the state of its requests, but does not release the lease: the time
 * between its local deadline and the lease's expiry in Cassandra is the margin for leader actions already in
 * flight. Only {@link #resign} and {@link #close} release. A lease lost this way is given up for good: a later
 * leadership of the same candidate has a new, higher epoch.
 *
 * <p>Candidates that did not win stay eligible and take the post by themselves when they see it vacant (every
 * {@code plugin.cassandra.lr.pull.period.ms}, and at once when the change feed ({@link ChangeFeed}) says the post
 * was released or taken). A leader that dies without closing is replaced within the TTL plus one poll period.
 *
 * <p>Listeners hear every change of leadership this client observes, "no leader" included, on one thread, in
 * epoch order: leadership {@code e} comes before its end, which comes before leadership {@code e + 1}. An event
 * is computed and queued under the client's lock, and only if it is further in that order than the last one
 * told, so no listener hears an older leadership after a newer one, a leadership again after its end (reads at
 * TTL expiry disagree between coordinators, each expiring by its own clock), or this client's own candidate
 * leading after it resigned or lost its lease. A {@link LeadershipListener} gets the epoch with the leader.
 * {@link #init(Object)} takes {@code null} only. The session is the caller's.
 */
public final class CassandraLeaderElection implements FencedLeaderElectionClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraLeaderElection.class);

    private final String service;
    private final CqlRunner cql;
    private final LeaderElectionTable table;
    private final CassandraSettings settings;
    private final LeaseKeeper<Term> leases;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private Optional<Leadership> told; // the last event queued for listeners, null before the first
    private long toldRank = -1; // its place in epoch order, see rank()
    private long endedEpoch; // the highest epoch known here to have ended (lost, resigned or seen vacant)
    private boolean started; // the lease threads run from the first call that needs background work
    private boolean closed;
    private final OutageLog pollOutage;
    private final ServiceMonitor monitor;
    private final String cluster; // the cluster's name and the keyspace: epochs are per election table
    /** Tests only: sees (and may replace) every state read of the post, to replay stale or delayed reads. */
    volatile UnaryOperator<State> readHook = UnaryOperator.identity();

    private static final class Candidate {
        final String id;
        HeldLease<Term> lease; // null unless it leads

        Candidate(String id) {
            this.id = id;
        }
    }

    /** A leadership term: what a lease of the post is held for. */
    private record Term(Candidate candidate, long epoch) {}

    public CassandraLeaderElection(CqlSession session, CassandraSettings settings, String service) {
        this(session, settings, service, new ServiceMonitor("LeaderElection", service));
    }

    /** An election whose calls, renewals, polls and health are recorded in {@code monitor}, which may outlive it. */
    public CassandraLeaderElection(
            CqlSession session, CassandraSettings settings, String service, ServiceMonitor monitor) {
        this.service = Text.id("service", service);
        this.monitor = monitor;
        this.cql = new CqlRunner(session, monitor);
        this.table = new LeaderElectionTable(session, settings);
        this.settings = settings;
        this.leases = new LeaseKeeper<>(
                "election",
                service,
                settings,
                monitor,
                LOG,
                lease -> cql.write(
                        table.renew(service, lease.subject().candidate().id, lease.id()),
                        "renew lease of " + lease.subject().candidate().id),
                this::lost,
                this::poll,
                () -> {});
        this.pollOutage = new OutageLog(LOG, "the election poll of " + service, monitor.polls());
        leases.pollOnChanges(new ChangeFeed(session, settings), ChangeFeed.electionTopic(service));
        this.cluster = session.getMetadata().getClusterName().orElse("?") + "/" + settings.keyspace();
        monitor.connected(session);
    }

    public ServiceMonitor monitor() {
        return monitor;
    }

    /**
     * Where this client's listeners are in epoch order: what they were last told, its rank, and the highest epoch
     * known to have ended. A client that replaces this one on the same cluster starts from it.
     */
    record EpochOrder(String cluster, Optional<Leadership> told, long toldRank, long endedEpoch) {}

    synchronized EpochOrder epochOrder() {
        return new EpochOrder(cluster, told == null ? Optional.empty() : told, toldRank, endedEpoch);
    }

    /**
     * Continues the epoch order of the client this one replaces (a session swap), so that its listeners never
     * hear a leadership that the previous client had already told them ended (a lease left to expire after a
     * resignation or a deadline, or a lagging coordinator). Ignored for another cluster, whose epochs are its own.
     *
     * @return whether it continues from it (listeners then need not be told the state again)
     */
    synchronized boolean continueFrom(EpochOrder previous) {
        if (previous == null || !previous.cluster().equals(cluster) || previous.toldRank() < 0 || toldRank >= 0) {
            return false;
        }
        toldRank = previous.toldRank();
        told = previous.told();
        endedEpoch = Math.max(endedEpoch, previous.endedEpoch());
        return true;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public Optional<String> getLeader() {
        return monitor.call("getLeader", () -> doGetLeader());
    }

    private Optional<String> doGetLeader() {
        checkOpen();
        State state = readHook.apply(table.read(cql, service));
        observe(state);
        return reported(state).map(Leadership::leader);
    }

    @Override
    public Optional<Leadership> currentLeadership() {
        return monitor.call("currentLeadership", () -> doCurrentLeadership());
    }

    private Optional<Leadership> doCurrentLeadership() {
        checkOpen();
        return leadership(service, readHook.apply(table.read(cql, service)));
    }

    /**
     * The leadership of {@code service} as Cassandra holds it, read once (a linearizable read), without a client
     * and so without a poller: for tools that only look.
     */
    public static Optional<Leadership> readLeadership(CqlSession session, CassandraSettings settings, String service) {
        Text.id("service", service);
        CqlRunner cql = new CqlRunner(session, new ServiceMonitor("LeaderElection", service));
        return leadership(service, new LeaderElectionTable(session, settings).read(cql, service));
    }

    private static Optional<Leadership> leadership(String service, State state) {
        return state.lease() == null
                ? Optional.empty()
                : Optional.of(new Leadership(service, state.leader(), state.epochOrZero()));
    }

    @Override
    public synchronized Optional<Leadership> heldLeadership(String candidate) {
        Candidate c = candidates.get(candidate);
        if (c == null || c.lease == null || !c.lease.isValid()) {
            return Optional.empty();
        }
        return Optional.of(new Leadership(service, candidate, c.lease.subject().epoch()));
    }

    @Override
    public boolean nominate(String candidate) {
        return monitor.call("nominate", () -> doNominate(candidate));
    }

    private boolean doNominate(String candidate) {
        Text.id("candidate", candidate);
        Future<Boolean> result;
        synchronized (this) {
            checkOpen();
            start();
            Candidate c = candidates.computeIfAbsent(candidate, Candidate::new);
            // Acquisitions run on the worker, one at a time with the renewals and polls.
            result = leases.worker().submit(() -> isLeading(c) || tryAcquire(c));
        }
        try {
            return result.get(settings.requestTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinationException ce) {
                throw ce; // still a candidate: it takes the post by itself once it can
            }
            throw new StoreUnavailableException("nominate " + candidate + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException(
                    "nominate " + candidate + " got no answer in time;" + " it stays a candidate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while nominating " + candidate, e);
        }
    }

    private synchronized boolean isLeading(Candidate c) {
        return c.lease != null && c.lease.isValid();
    }

    @Override
    public void resign(String leader) {
        monitor.run("resign", () -> doResign(leader));
    }

    private void doResign(String leader) {
        Text.id("leader", leader);
        HeldLease<Term> lease;
        synchronized (this) {
            Candidate c = candidates.get(leader);
            if (c == null || c.lease == null) {
                return; // not a leader: ignored, as the KIP's contract says (close() ends a candidacy)
            }
            lease = c.lease;
            candidates.remove(leader);
            giveUp(c);
        }
        LOG.info(
                "{} resigns as leader of {} (epoch {})",
                leader,
                service,
                lease.subject().epoch());
        release(lease.id());
    }

    @Override
    public void addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            checkOpen();
            listeners.add(listener);
            start();
            if (told != null) {
                tell(listener, told);
            }
        }
    }

    /**
     * Registers a listener that already heard what the client this one replaces told it ({@link #continueFrom}):
     * it is not told that state again, only what comes after.
     */
    void addInformedListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            checkOpen();
            listeners.add(listener);
            start();
        }
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        List<UUID> held = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Candidate c : candidates.values()) {
                if (c.lease != null) {
                    held.add(c.lease.id());
                    giveUp(c);
                }
            }
            candidates.clear();
        }
        leases.close(() -> held.forEach(this::release));
    }

    private void start() {
        leases.start();
        started = true;
    }

    /** On the worker: read the post, tell listeners, and run for it if it is vacant. */
    private void poll() {
        Candidate eligible = null;
        synchronized (this) {
            if (closed || candidates.isEmpty() && listeners.isEmpty()) {
                return;
            }
            boolean leading = candidates.values().stream().anyMatch(c -> c.lease != null);
            if (!leading && !candidates.isEmpty()) {
                eligible = candidates.values().iterator().next();
            }
        }
        long start = System.nanoTime();
        try {
            State state = readHook.apply(table.read(cql, service));
            pollOutage.succeeded(start);
            observe(state);
            if (eligible != null && state.lease() == null) {
                tryAcquire(eligible, state);
            }
        } catch (StoreUnavailableException | OutcomeUnknownException e) {
            pollOutage.failed(e);
        } catch (RuntimeException e) {
            LOG.error("election poll of {} failed", service, e);
        }
    }

    private boolean tryAcquire(Candidate c) {
        State state = readHook.apply(table.read(cql, service));
        observe(state);
        return state.lease() == null && tryAcquire(c, state);
    }

    /** On the worker: one attempt to take the vacant post seen in {@code state}. */
    private boolean tryAcquire(Candidate c, State state) {
        synchronized (this) {
            if (closed || candidates.get(c.id) != c) {
                return false;
            }
        }
        UUID leaseId = UUID.randomUUID();
        long sentAt = leases.clock().now();
        String what = c.id + " running for leader of " + service;
        CqlRunner.Attempt attempt = cql.write(table.acquire(service, c.id, leaseId, state.epoch()), what);
        leases.announceIfMaybeApplied(attempt);
        boolean taken = attempt.answered()
                ? attempt.result().wasApplied()
                : cql.resolve(
                                what,
                                attempt.unknownCause(),
                                () -> leaseId.equals(table.read(cql, service).lease())
                                        ? Resolution.APPLIED
                                        : Resolution.NOT_APPLIED)
                        == Resolution.APPLIED;
        if (!taken) {
            return false;
        }
        long epoch = state.epochOrZero() + 1;
        synchronized (this) {
            if (closed
                    || candidates.get(c.id) != c
                    || !leases.clock().isBefore(leases.clock().deadlineFor(sentAt))) {
                c = null; // closed, withdrawn or too slow to trust: give it back at once
                endedEpoch = Math.max(endedEpoch, epoch);
            } else {
                c.lease = leases.hold(new Term(c, epoch), leaseId, sentAt);
                publish(Optional.of(new Leadership(service, c.id, epoch)), rank(epoch, false));
            }
        }
        if (c == null) {
            release(leaseId);
            return false;
        }
        LOG.info("{} is leader of {} with epoch {}", c.id, service, epoch);
        return true;
    }

    /**
     * Stops leading without releasing: actions the leader started before its deadline may still be in flight,
     * and the lease, left to expire, keeps the post from a successor for the rest of the TTL.
     */
    private void lost(HeldLease<Term> lease, String why) {
        Candidate c = lease.subject().candidate();
        synchronized (this) {
            if (c.lease != lease) {
                return;
            }
            c.lease = null;
            ended(lease.subject().epoch());
        }
        LOG.warn(
                "{} is no longer leader of {} (epoch {}): {}",
                c.id,
                service,
                lease.subject().epoch(),
                why);
    }

    /** Under the lock: {@code c} stops leading (it resigns, closes, or a read shows its leadership ended). */
    private void giveUp(Candidate c) {
        HeldLease<Term> lease = c.lease;
        c.lease = null;
        leases.release(lease);
        ended(lease.subject().epoch());
    }

    /** Deletes the lease if it is still this one, so that the next leader need not wait for the TTL. */
    private void release(UUID leaseId) {
        String what = "release lease of " + service;
        try {
            CqlRunner.Attempt attempt = cql.write(table.release(service, leaseId), what);
            leases.announceIfMaybeApplied(attempt);
            if (!attempt.answered()) {
                cql.resolve(
                        what,
                        attempt.unknownCause(),
                        () -> leaseId.equals(table.read(cql, service).lease())
                                ? Resolution.NOT_APPLIED
                                : Resolution.APPLIED);
            }
        } catch (StoreUnavailableException | OutcomeUnknownException e) {
            LOG.warn(
                    "could not release the lease of {} (it expires within {} s anyway): {}",
                    service,
                    settings.leaseTtl().getSeconds(),
                    e.getMessage());
        }
    }

    /**
     * Cassandra's leadership, unless it is one this client knows has ended, or names a candidate of this client
     * that does not hold that lease here (the lease of an earlier client, or an acquisition still being settled).
     */
    private synchronized Optional<Leadership> reported(State state) {
        if (state.lease() == null || state.leader() == null || state.epochOrZero() <= endedEpoch) {
            return Optional.empty();
        }
        Candidate own = candidates.get(state.leader());
        if (own != null && (own.lease == null || !own.lease.id().equals(state.lease()) || !own.lease.isValid())) {
            return Optional.empty();
        }
        return Optional.of(new Leadership(service, state.leader(), state.epochOrZero()));
    }

    /**
     * Tells listeners what a read of the post shows, if it is further in epoch order than what they were told.
     * A vacant post at epoch {@code e} means leadership {@code e} has ended. A post held by this client's own
     * candidate under a lease it does not hold tells nothing: its end is told when it is known.
     */
    private synchronized void observe(State state) {
        long epoch = state.epochOrZero();
        for (Candidate c : candidates.values()) {
            long held = c.lease == null ? Long.MAX_VALUE : c.lease.subject().epoch();
            if (state.lease() == null ? epoch >= held : epoch > held) {
                // Cassandra says this leadership ended (a coordinator whose clock runs ahead): stop trusting it
                // now rather than at the next refused renewal.
                giveUp(c);
                LOG.warn(
                        "{} is no longer leader of {} (epoch {}): Cassandra shows the post {}",
                        c.id,
                        service,
                        held,
                        state.lease() == null ? "vacant" : "taken with epoch " + epoch);
            }
        }
        if (state.lease() == null || state.leader() == null) {
            endedEpoch = Math.max(endedEpoch, epoch);
            publish(Optional.empty(), rank(epoch, true));
            return;
        }
        Optional<Leadership> leadership = reported(state);
        if (leadership.isPresent()) {
            publish(leadership, rank(epoch, false));
        } else if (epoch <= endedEpoch) {
            publish(Optional.empty(), rank(epoch, true));
        }
    }

    /** Under the lock: leadership {@code epoch} ended here (lost, resigned, closed); tell it. */
    private void ended(long epoch) {
        endedEpoch = Math.max(endedEpoch, epoch);
        publish(Optional.empty(), rank(epoch, true));
    }

    /** Epoch order: leadership e (2e), then its end or a vacant post after it (2e + 1), then leadership e + 1. */
    private static long rank(long epoch, boolean ended) {
        return 2 * epoch + (ended ? 1 : 0);
    }

    /** Under the lock: queues the event for every listener if it is further in epoch order than the last one. */
    private void publish(Optional<Leadership> leadership, long rank) {
        if (rank <= toldRank) {
            return; // already told, or older than what was told
        }
        toldRank = rank;
        told = leadership;
        if (!started) {
            return; // no listener yet: the first one is told this state
        }
        for (Listener l : listeners) {
            tell(l, leadership);
        }
    }

    private void tell(Listener listener, Optional<Leadership> leadership) {
        String what = "leadership of " + service + " is " + leadership;
        if (listener instanceof LeadershipListener ll) {
            leases.notifier().submit(what, () -> ll.onLeadershipChange(leadership));
        } else {
            Optional<String> leader = leadership.map(Leadership::leader);
            leases.notifier().submit(what, () -> listener.onLeaderChange(leader));
        }
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this leader election client is closed");
        }
    }
}
