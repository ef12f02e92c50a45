package io.kafkacassandra.election;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.Reconnecting;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CassandraLeaderElection} that outlives the Cassandra session. When the session is replaced, the
 * client on the old one is closed first, so a leader steps down cleanly (its listeners hear "no leader" and its
 * lease is released) before the client on the new session runs again for its candidates: there are never two
 * leaders, and never a leader that does not know it lost. Between sessions nobody here leads, and
 * {@link #heldLeadership(String)} is empty.
 */
public final class ReconnectingLeaderElection implements FencedLeaderElectionClient, ConnectionFollower {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingLeaderElection.class);

    private final String service;
    private final Set<String> candidates = new LinkedHashSet<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Reconnecting<CassandraLeaderElection> election;
    private volatile CassandraLeaderElection last; // the client on the latest session, closed or not

    private CassandraLeaderElection.EpochOrder previousOrder() {
        CassandraLeaderElection previous = last;
        return previous == null ? null : previous.epochOrder();
    }

    public ReconnectingLeaderElection(String service) {
        this.service = Text.id("service", service);
        ServiceMonitor monitor = new ServiceMonitor("LeaderElection", service);
        // Each client on a new session gets every listener, and tells each the state it finds, in epoch order.
        this.election = new Reconnecting<>("leader election of " + service, monitor, c -> {
            CassandraLeaderElection e = new CassandraLeaderElection(c.session(), c.settings(), service, monitor);
            // The previous client is closed by now: its listeners' place in epoch order carries over.
            CassandraLeaderElection.EpochOrder previous = previousOrder();
            if (e.continueFrom(previous)) {
                listeners.forEach(e::addInformedListener);
            } else {
                listeners.forEach(e::addListener); // each is told the state it finds on the new session
            }
            last = e;
            return e;
        });
    }

    @Override
    public synchronized void connect(CassandraConnection connection) {
        CassandraLeaderElection next = election.connect(connection).current();
        if (next == null) {
            return; // closed
        }
        for (String candidate : candidates) {
            try {
                next.nominate(candidate); // stays a candidate even if the store does not answer yet
            } catch (RuntimeException e) {
                LOG.warn(
                        "{} runs for leader of {} again once Cassandra answers: {}",
                        candidate,
                        service,
                        e.getMessage());
            }
        }
    }

    @Override
    public synchronized void disconnect(CassandraConnection connection) {
        election.disconnect(connection);
    }

    public ServiceMonitor monitor() {
        return election.monitor();
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public Optional<String> getLeader() {
        return election.call(s -> s.getLeader());
    }

    @Override
    public Optional<Leadership> currentLeadership() {
        return election.call(s -> s.currentLeadership());
    }

    @Override
    public Optional<Leadership> heldLeadership(String candidate) {
        try {
            return election.call(s -> s.heldLeadership(candidate));
        } catch (RuntimeException unavailable) {
            return Optional.empty();
        }
    }

    @Override
    public boolean nominate(String candidate) {
        Text.id("candidate", candidate);
        CassandraLeaderElection current;
        synchronized (this) {
            candidates.add(candidate);
            current = election.get();
        }
        return current.nominate(candidate);
    }

    @Override
    public void resign(String leader) {
        Text.id("leader", leader);
        CassandraLeaderElection current;
        synchronized (this) {
            if (!candidates.contains(leader) || heldLeadership(leader).isEmpty()) {
                return; // not a leader here: ignored
            }
            candidates.remove(leader);
            current = election.get();
        }
        current.resign(leader);
    }

    /** Registers the listener here and on the current client, which tells it the current state at once. */
    @Override
    public synchronized void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        if (election.isConnected()) {
            try {
                election.get().addListener(listener);
            } catch (RuntimeException replaced) {
                // the session went away meanwhile: the client on the next one gets the listener
            }
        }
    }

    @Override
    public synchronized void removeListener(Listener listener) {
        listeners.remove(listener);
        if (election.isConnected()) {
            try {
                election.get().removeListener(listener);
            } catch (RuntimeException replaced) {
                // gone with its session
            }
        }
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public synchronized void close() {
        election.close();
        candidates.clear();
    }
}
