package io.kafkacassandra.listeners;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.ChangeFeed;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.DaemonThreads;
import io.kafkacassandra.session.internal.KeyPath;
import io.kafkacassandra.session.internal.SerialNotifier;
import io.kafkacassandra.session.internal.SurvivingTask;
import io.kafkacassandra.session.internal.WakeUp;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.storage.internal.KvTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.KeySetChangeListener;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.ValueChangeListener;

/**
 * KIP-30 {@link ListenerRegistry} on Cassandra, by polling, woken by the change feed: Cassandra has no watches.
 *
 * <p>Guarantees: a listener is first told the state at the time of its registration (the value, or empty for a
 * missing key; the key set), then every change it has not seen: usually as soon as the writer's hint is read from
 * the change feed ({@link ChangeFeed}: tens of milliseconds), always within one namespace poll period
 * ({@link CassandraSettings#namespacePollPeriod()}) plus one read of the change becoming readable, since a hint can
 * be lost. Polls read the state; hints only wake them. Changes made between
 * two polls are coalesced: a listener sees the latest value, not necessarily every intermediate one (as with
 * Curator's caches and etcd's compacted watches). Per key, values arrive in version order and never go back.
 * A deleted key is reported as {@link java.util.Optional#empty()}. Listeners are called one at a time, on one
 * thread, so a slow listener delays the others; one that throws is logged and keeps its registration.
 *
 * <p>Cost: one poller per watched namespace, shared by all listeners of its keys and of its key set: one
 * single-partition QUORUM read per namespace and period, and per hint of a change there; the feed's read is one per
 * process whatever the number of namespaces. Removing the last listener of a namespace stops
 * its poller. The session is the caller's; {@link #close()} stops the pollers and the notifier thread.
 */
public final class CassandraListenerRegistry implements ListenerRegistry, AutoCloseable {
    private final CqlRunner cql;
    private final KvTable table;
    private final long pollMillis;
    private final long retryMillis;
    private final long minWokenGapMillis;
    private final Map<String, ScheduledPoller> pollers = new HashMap<>();
    private ScheduledExecutorService scheduler;
    private SerialNotifier notifier;
    private boolean closed;
    private final ServiceMonitor monitor;
    /** Tests only: runs between finding a namespace's poller and attaching a new listener to it. */
    volatile Runnable beforeAttach = () -> {};

    private final ChangeFeed feed;

    /** A namespace's poller, its periodic poll, and its wake-ups by the change feed. */
    private record ScheduledPoller(NamespacePoller poller, ScheduledFuture<?> task, ChangeFeed.Subscription wakeUps) {
        void stop() {
            task.cancel(false);
            wakeUps.close();
        }
    }

    public CassandraListenerRegistry(CqlSession session, CassandraSettings settings) {
        this(session, settings, new ServiceMonitor("ListenerRegistry", "default"));
    }

    /** A registry whose polls, callbacks and health are recorded in {@code monitor}, which may outlive it. */
    public CassandraListenerRegistry(CqlSession session, CassandraSettings settings, ServiceMonitor monitor) {
        this.monitor = monitor;
        this.cql = new CqlRunner(session, monitor);
        this.table = new KvTable(session, settings);
        this.pollMillis = settings.namespacePollPeriod().toMillis();
        this.retryMillis = settings.pollPeriod().toMillis();
        // A namespace written faster than the feed is read is polled whole at most every two feed periods.
        this.minWokenGapMillis = 2 * settings.changesPeriod().toMillis();
        this.feed = new ChangeFeed(session, settings);
        monitor.connected(session);
    }

    public ServiceMonitor monitor() {
        return monitor;
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public void addValueChangeListener(String key, ValueChangeListener eventListener) {
        KeyPath path = KeyPath.of(key);
        Objects.requireNonNull(eventListener, "eventListener");
        synchronized (this) { // with the lookup, so that the last listener's removal cannot stop it in between
            NamespacePoller poller = poller(path.namespace());
            beforeAttach.run();
            poller.add(path.name(), eventListener);
        }
    }

    @Override
    public void removeValueChangeListener(String key, ValueChangeListener eventListener) {
        KeyPath path = KeyPath.of(key);
        synchronized (this) {
            ScheduledPoller p = pollers.get(path.namespace());
            if (p != null) {
                p.poller.remove(path.name(), eventListener);
                stopIfIdle(path.namespace(), p);
            }
        }
    }

    @Override
    public void addKeySetChangeListener(String namespace, KeySetChangeListener eventListener) {
        KeyPath.namespace(namespace);
        Objects.requireNonNull(eventListener, "eventListener");
        synchronized (this) {
            NamespacePoller poller = poller(namespace);
            beforeAttach.run();
            poller.add(eventListener);
        }
    }

    @Override
    public void removeKeySetChangeListener(String namespace, KeySetChangeListener eventListener) {
        KeyPath.namespace(namespace);
        synchronized (this) {
            ScheduledPoller p = pollers.get(namespace);
            if (p != null) {
                p.poller.remove(eventListener);
                stopIfIdle(namespace, p);
            }
        }
    }

    /** Number of namespaces being polled: what the registry costs Cassandra. */
    public synchronized int activePollers() {
        return pollers.size();
    }

    private synchronized NamespacePoller poller(String namespace) {
        if (closed) {
            throw new IllegalStateException("this listener registry is closed");
        }
        if (scheduler == null) {
            scheduler = DaemonThreads.scheduler("kafka-cassandra-listener-poll");
            notifier = new SerialNotifier("kafka-cassandra-listener-notify", monitor.listenerCallbacks());
        }
        ScheduledPoller existing = pollers.get(namespace);
        if (existing != null) {
            return existing.poller;
        }
        NamespacePoller poller = new NamespacePoller(namespace, cql, table, notifier, monitor.polls());
        WakeUp[] wakeUp = new WakeUp[1];
        SurvivingTask poll = new SurvivingTask("poll of namespace " + namespace, () -> {
            if (!poller.poll() && retryMillis < pollMillis) {
                // The hint that woke it is spent: try again at the poll period, not the safety period.
                wakeUp[0].after(retryMillis);
            }
        });
        wakeUp[0] = new WakeUp(scheduler, poll, minWokenGapMillis);
        // Subscribed before the first poll, so that a change made after that poll's read always wakes another.
        ChangeFeed.Subscription wakeUps = feed.subscribe(ChangeFeed.namespaceTopic(namespace), wakeUp[0]);
        // First poll at once, so that a new listener hears the current state without waiting a period.
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(poll, 0, pollMillis, TimeUnit.MILLISECONDS);
        pollers.put(namespace, new ScheduledPoller(poller, task, wakeUps));
        return poller;
    }

    private void stopIfIdle(String namespace, ScheduledPoller p) {
        if (p.poller.isIdle()) {
            p.stop();
            pollers.remove(namespace);
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService s;
        SerialNotifier n;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pollers.values().forEach(ScheduledPoller::stop);
            pollers.clear();
            s = scheduler;
            n = notifier;
        }
        if (s != null) {
            DaemonThreads.shutdown(s);
            n.close();
        }
    }
}
