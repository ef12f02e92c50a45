package io.kafkacassandra.membership;

import com.datastax.oss.driver.api.core.CqlSession;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.apache.kafka.plugin.interfaces.MemberIdConflictException;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-30 {@link org.apache.kafka.plugin.interfaces.GroupMembershipClient} on Cassandra leases.
 *
 * <p>A member is a row of its group's partition, written with the lease TTL by a lightweight transaction:
 * {@code join} inserts it only if no live member holds the id (else {@link MemberIdConflictException}), this
 * client renews it every {@code plugin.cassandra.le.renew.ttl.period.ms} conditioned on its own lease session,
 * {@code leave} deletes it at once, and a member whose process died disappears when its TTL runs out.
 *
 * <p>The member's own process is told: when a renewal has not succeeded by the local deadline (the same rule as
 * leader leases, see {@link CassandraSettings#leaseValidity()}), its {@link MembershipListener}s hear
 * {@code membershipLost}; the client then joins again by itself as soon as it can and says
 * {@code membershipRestored} (as Curator's GroupMember does). {@code membershipList()} and {@code membership()}
 * are linearizable reads. Group listeners are told the member set at registration and every change seen by a
 * poll every {@code plugin.cassandra.lr.pull.period.ms} (changes between polls coalesce); a join or leave in any
 * client wakes the polls of the others at once through the change feed ({@link ChangeFeed}). {@code leave} of an id
 * this client did not join does nothing. {@link #init(Object)} takes {@code null} only. The session is the
 * caller's.
 */
public final class CassandraGroupMembership implements LeaseAwareGroupMembershipClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraGroupMembership.class);

    private final String group;
    private final CqlRunner cql;
    private final GroupMembershipTable table;
    private final CassandraSettings settings;
    private final LeaseKeeper<Member> leases;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<MembershipListener> membershipListeners = new CopyOnWriteArrayList<>();

    // Guarded by this, with every field of Member.
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Set<String> joining = new HashSet<>();
    private Set<String> told;
    private boolean closed;
    private final OutageLog pollOutage;
    private final ServiceMonitor monitor;
    /** Tests only: runs on the renewal thread before each renewal is sent. */
    volatile Runnable beforeRenewal = () -> {};

    private static final class Member {
        final String id;
        final String data;
        UUID session; // of its last row written; null if it never joined
        HeldLease<Member> lease; // null while it is lost (or before it joined)

        Member(String id, String data) {
            this.id = id;
            this.data = data;
        }
    }

    public CassandraGroupMembership(CqlSession session, CassandraSettings settings, String group) {
        this(session, settings, group, new ServiceMonitor("GroupMembership", group));
    }

    /** A membership whose calls, renewals, polls and health are recorded in {@code monitor}, which may outlive it. */
    public CassandraGroupMembership(
            CqlSession session, CassandraSettings settings, String group, ServiceMonitor monitor) {
        this.group = Text.id("group", group);
        this.monitor = monitor;
        this.cql = new CqlRunner(session, monitor);
        this.table = new GroupMembershipTable(session, settings);
        this.settings = settings;
        this.leases = new LeaseKeeper<>(
                "group",
                group,
                settings,
                monitor,
                LOG,
                lease -> {
                    beforeRenewal.run();
                    Member m = lease.subject();
                    return cql.write(table.renew(group, m.id, m.data, lease.id()), "renew member " + m.id);
                },
                this::markLost,
                this::poll,
                this::rejoinLost);
        this.pollOutage = new OutageLog(LOG, "the poll of group " + group, monitor.polls());
        leases.pollOnChanges(new ChangeFeed(session, settings), ChangeFeed.groupTopic(group));
        monitor.connected(session);
    }

    public ServiceMonitor monitor() {
        return monitor;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public void join(String id, String data) {
        monitor.run("join", () -> doJoin(id, data));
    }

    private void doJoin(String id, String data) {
        Text.id("id", id);
        Text.value("data", data, settings.maxValueBytes());
        synchronized (this) {
            checkOpen();
            if (members.containsKey(id) || !joining.add(id)) {
                throw new MemberIdConflictException(group, id);
            }
            start();
        }
        try {
            String what = "join " + id + " to " + group;
            Map<UUID, Long> attempts = new LinkedHashMap<>(); // lease session -> when its write was sent
            RuntimeException unknown = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                UUID session = UUID.randomUUID();
                long sentAt = leases.clock().now();
                attempts.put(session, sentAt);
                UUID holder;
                try {
                    CqlRunner.Attempt write = cql.write(table.join(group, id, data, session), what);
                    leases.announceIfMaybeApplied(write);
                    if (write.answered()) {
                        if (write.result().wasApplied()) {
                            joined(id, data, session, sentAt);
                            return;
                        }
                        holder = write.result().one().getUuid("session");
                    } else {
                        unknown = write.unknownCause();
                        holder = table.session(cql, group, id);
                    }
                } catch (StoreUnavailableException e) {
                    if (unknown == null) {
                        throw e;
                    }
                    continue;
                }
                if (holder != null && attempts.containsKey(holder)) {
                    joined(id, data, holder, attempts.get(holder)); // an earlier attempt of this call landed
                    return;
                }
                if (holder != null) {
                    throw new MemberIdConflictException(group, id);
                }
                // Unknown and not there (yet): try again under the same condition; at most one attempt lands.
            }
            throw new OutcomeUnknownException(
                    what + ": no attempt got an answer (" + unknown + "); if one lands"
                            + " later, nobody renews it and it disappears within the TTL",
                    unknown);
        } finally {
            synchronized (this) {
                joining.remove(id);
            }
        }
    }

    private void joined(String id, String data, UUID session, long sentAt) {
        Member member = new Member(id, data);
        synchronized (this) {
            member.session = session;
            member.lease = leases.hold(member, session, sentAt);
            members.put(id, member);
        }
        LOG.info("{} joined group {}", id, group);
    }

    /**
     * Takes on a member that could not join (its id is held elsewhere, or Cassandra did not answer) and joins it
     * in the background as soon as it can, as a member whose lease was lost: its listeners hear
     * {@code membershipLost} now, on the notifier thread, and {@code membershipRestored} once it has joined.
     * Does nothing if this client already holds the id.
     */
    public void joinInBackground(String id, String data) {
        Text.id("id", id);
        Text.value("data", data, settings.maxValueBytes());
        Member member;
        synchronized (this) {
            checkOpen();
            if (members.containsKey(id) || joining.contains(id)) {
                return;
            }
            start();
            member = new Member(id, data);
            members.put(id, member);
            for (MembershipListener l : membershipListeners) {
                leases.notifier().submit("membership of " + id + " lost", () -> l.membershipLost(id));
            }
        }
        LOG.warn("{} is not a member of {} yet; it joins as soon as it can", id, group);
    }

    @Override
    public void leave(String id) {
        monitor.run("leave", () -> doLeave(id));
    }

    private void doLeave(String id) {
        Text.id("id", id);
        Member member;
        UUID session;
        synchronized (this) {
            member = members.remove(id);
            if (member == null) {
                return;
            }
            session = member.session;
            if (member.lease != null) {
                leases.release(member.lease); // a renewal on its way no longer counts: leaving is not losing
                member.lease = null;
            }
        }
        if (session != null) { // null: taken on by joinInBackground and never joined
            remove(member.id, session);
        }
        LOG.info("{} left group {}", id, group);
    }

    /** Deletes the member's row if it is still this session's. */
    private void remove(String id, UUID session) {
        String what = "leave " + id + " from " + group;
        for (int attempt = 0; attempt < 3; attempt++) {
            CqlRunner.Attempt delete = cql.write(table.leave(group, id, session), what);
            leases.announceIfMaybeApplied(delete);
            if (delete.answered()) {
                return; // deleted, or the row was no longer this session's
            }
            if (cql.resolve(
                            what,
                            delete.unknownCause(),
                            () -> session.equals(table.session(cql, group, id))
                                    ? Resolution.NOT_APPLIED
                                    : Resolution.APPLIED)
                    == Resolution.APPLIED) {
                return;
            }
        }
        throw new StoreUnavailableException(what + " did not take effect; the member disappears within the TTL" + " of "
                + settings.leaseTtl().getSeconds() + " s since it is no longer renewed");
    }

    @Override
    public Set<String> membershipList() {
        return monitor.call("membershipList", () -> doMembershipList());
    }

    private Set<String> doMembershipList() {
        return doMembership().keySet();
    }

    @Override
    public Map<String, String> membership() {
        return monitor.call("membership", () -> doMembership());
    }

    private Map<String, String> doMembership() {
        checkOpen();
        return table.members(cql, group);
    }

    /**
     * The members of {@code group} with their data, read once (a linearizable read), without a client and so
     * without a poller: for tools that only look.
     */
    public static Map<String, String> readMembership(CqlSession session, CassandraSettings settings, String group) {
        Text.id("group", group);
        CqlRunner cql = new CqlRunner(session, new ServiceMonitor("GroupMembership", group));
        return new GroupMembershipTable(session, settings).members(cql, group);
    }

    @Override
    public synchronized boolean isMember(String id) {
        Member m = members.get(id);
        return m != null && m.lease != null && m.lease.isValid();
    }

    @Override
    public void addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            checkOpen();
            listeners.add(listener);
            start();
            if (told != null) {
                Set<String> current = told;
                leases.notifier().submit("members of " + group, () -> listener.onGroupChange(current));
            }
        }
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public void addMembershipListener(MembershipListener listener) {
        membershipListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeMembershipListener(MembershipListener listener) {
        membershipListeners.remove(listener);
    }

    @Override
    public void close() {
        List<Member> held;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            held = new ArrayList<>(members.values());
            members.clear();
            for (Member m : held) {
                if (m.lease != null) {
                    leases.release(m.lease);
                    m.lease = null;
                }
            }
        }
        leases.close(() -> {
            for (Member m : held) {
                if (m.session == null) {
                    continue;
                }
                try {
                    remove(m.id, m.session);
                } catch (StoreUnavailableException | OutcomeUnknownException e) {
                    LOG.warn("{}", e.getMessage());
                }
            }
        });
    }

    private void start() {
        leases.start();
    }

    /** On the renewal thread, after the renewals: join lost members again. */
    private void rejoinLost() {
        List<Member> lost;
        synchronized (this) {
            lost = members.values().stream().filter(m -> m.lease == null).toList();
        }
        for (Member m : lost) {
            long start = System.nanoTime();
            try {
                RuntimeException unanswered = rejoin(m);
                if (unanswered == null) {
                    leases.renewOutage().succeeded(start);
                } else {
                    leases.renewOutage().failed(unanswered);
                }
            } catch (StoreUnavailableException | OutcomeUnknownException e) {
                leases.renewOutage().failed(e);
            } catch (RuntimeException e) {
                LOG.error("joining member {} of {} again failed", m.id, group, e);
            }
        }
    }

    /**
     * Makes a lost member live again: its last row, if still its own, is renewed; otherwise it joins under a new
     * session, unless another member holds the id meanwhile. Returns why, if Cassandra did not answer.
     */
    private RuntimeException rejoin(Member m) {
        UUID session;
        synchronized (this) {
            if (members.get(m.id) != m || m.lease != null) {
                return null; // it left, or is live again
            }
            session = m.session;
        }
        long sentAt = leases.clock().now();
        if (session != null) { // null: taken on by joinInBackground, never joined
            beforeRenewal.run();
            CqlRunner.Attempt renewal = cql.write(table.renew(group, m.id, m.data, session), "renew member " + m.id);
            if (!renewal.answered()) {
                return renewal.unknownCause();
            }
            if (renewal.result().wasApplied()) {
                restore(m, session, sentAt); // lost only here: the row was still this session's
                return null;
            }
        }
        synchronized (this) {
            if (members.get(m.id) != m) {
                return null; // it left meanwhile: not to be joined again
            }
        }
        UUID fresh = UUID.randomUUID();
        sentAt = leases.clock().now();
        CqlRunner.Attempt rejoin = cql.write(table.join(group, m.id, m.data, fresh), "join " + m.id + " again");
        leases.announceIfMaybeApplied(rejoin);
        if (rejoin.answered() && rejoin.result().wasApplied()) {
            restore(m, fresh, sentAt);
        }
        return rejoin.answered() ? null : rejoin.unknownCause();
    }

    private void restore(Member m, UUID session, long sentAt) {
        boolean left;
        synchronized (this) {
            left = members.get(m.id) != m;
            if (!left) {
                m.session = session;
                if (!leases.clock().isBefore(leases.clock().deadlineFor(sentAt))) {
                    return; // answered too late to trust: the next round tries again
                }
                m.lease = leases.hold(m, session, sentAt);
            }
        }
        if (left) {
            remove(m.id, session); // it left while this round joined it again
            return;
        }
        LOG.info("{} is a member of {} again", m.id, group);
        for (MembershipListener l : membershipListeners) {
            leases.notifier().submit("membership of " + m.id + " restored", () -> l.membershipRestored(m.id));
        }
    }

    /** Its lease was lost (refused or past the local deadline): it is a member here no longer, until it rejoins. */
    private void markLost(HeldLease<Member> lease, String why) {
        Member m = lease.subject();
        synchronized (this) {
            if (m.lease != lease || members.get(m.id) != m) {
                return; // it left: leaving is not losing
            }
            m.lease = null;
        }
        LOG.warn("{} lost its membership of {}: {}; it joins again when it can", m.id, group, why);
        for (MembershipListener l : membershipListeners) {
            leases.notifier().submit("membership of " + m.id + " lost", () -> l.membershipLost(m.id));
        }
    }

    /** On the worker: read the group for the listeners. */
    private void poll() {
        if (listeners.isEmpty()) {
            return;
        }
        Set<String> current;
        long start = System.nanoTime();
        try {
            current = table.members(cql, group).keySet();
        } catch (StoreUnavailableException e) {
            pollOutage.failed(e);
            return;
        }
        pollOutage.succeeded(start);
        synchronized (this) {
            if (current.equals(told)) {
                return;
            }
            told = current;
            for (Listener l : listeners) {
                leases.notifier().submit("members of " + group, () -> l.onGroupChange(current));
            }
        }
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this group membership client is closed");
        }
    }
}
