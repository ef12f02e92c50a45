package io.kafkacassandra.membership;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.Reconnecting;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CassandraGroupMembership} that outlives the Cassandra session: the members joined through it leave
 * the old session's group and join again through the new one, and its listeners stay registered. A member that
 * cannot join again (its id is taken there) is reported through {@code membershipLost}.
 */
public final class ReconnectingGroupMembership implements LeaseAwareGroupMembershipClient, ConnectionFollower {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingGroupMembership.class);

    private final String group;
    private final Map<String, String> joined = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<MembershipListener> membershipListeners = new CopyOnWriteArrayList<>();
    private final MembershipListener forwardLease = new MembershipListener() {
        @Override
        public void membershipLost(String id) {
            membershipListeners.forEach(l -> l.membershipLost(id));
        }

        @Override
        public void membershipRestored(String id) {
            membershipListeners.forEach(l -> l.membershipRestored(id));
        }
    };
    private final Reconnecting<CassandraGroupMembership> membership;

    public ReconnectingGroupMembership(String group) {
        this.group = Text.id("group", group);
        ServiceMonitor monitor = new ServiceMonitor("GroupMembership", group);
        this.membership = new Reconnecting<>("membership of group " + group, monitor, c -> {
            CassandraGroupMembership m = new CassandraGroupMembership(c.session(), c.settings(), group, monitor);
            m.addMembershipListener(forwardLease);
            listeners.forEach(m::addListener); // each is told the group it finds on the new session
            return m;
        });
    }

    @Override
    public synchronized void connect(CassandraConnection connection) {
        CassandraGroupMembership next = membership.connect(connection).current();
        if (next == null) {
            return; // closed
        }
        joined.forEach((id, data) -> {
            try {
                next.join(id, data);
            } catch (RuntimeException e) {
                LOG.warn(
                        "{} could not join group {} again on the new session ({}); it keeps trying",
                        id,
                        group,
                        e.getMessage());
                next.joinInBackground(id, data); // membershipLost now, membershipRestored once it has joined
            }
        });
    }

    @Override
    public synchronized void disconnect(CassandraConnection connection) {
        membership.disconnect(connection);
    }

    public ServiceMonitor monitor() {
        return membership.monitor();
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public synchronized void join(String id, String data) {
        membership.run(s -> s.join(id, data));
        joined.put(id, data);
    }

    @Override
    public synchronized void leave(String id) {
        Text.id("id", id);
        if (joined.remove(id) != null) {
            membership.run(s -> s.leave(id));
        }
    }

    @Override
    public Set<String> membershipList() {
        return membership.call(s -> s.membershipList());
    }

    @Override
    public Map<String, String> membership() {
        return membership.call(s -> s.membership());
    }

    @Override
    public boolean isMember(String id) {
        try {
            return membership.call(s -> s.isMember(id));
        } catch (RuntimeException unavailable) {
            return false;
        }
    }

    /** Registers the listener here and on the current client, which tells it the current group at once. */
    @Override
    public synchronized void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        if (membership.isConnected()) {
            try {
                membership.get().addListener(listener);
            } catch (RuntimeException replaced) {
                // the session went away meanwhile: the client on the next one gets the listener
            }
        }
    }

    @Override
    public synchronized void removeListener(Listener listener) {
        listeners.remove(listener);
        if (membership.isConnected()) {
            try {
                membership.get().removeListener(listener);
            } catch (RuntimeException replaced) {
                // gone with its session
            }
        }
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
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public synchronized void close() {
        membership.close();
        joined.clear();
    }
}
