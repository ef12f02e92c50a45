package io.kafkacassandra.listeners;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.KeyPath;
import io.kafkacassandra.session.internal.Reconnecting;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.plugin.interfaces.KeySetChangeListener;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.ValueChangeListener;

/**
 * A {@link ListenerRegistry} whose registrations outlive the Cassandra session: it remembers them and registers
 * them again on each new connection, where every listener is first told the state it finds there. Registrations
 * made while there is no connection are kept and take effect on the next one.
 */
public final class ReconnectingListenerRegistry implements ListenerRegistry, ConnectionFollower {
    private final List<Map.Entry<String, ValueChangeListener>> values = new ArrayList<>();
    private final List<Map.Entry<String, KeySetChangeListener>> keySets = new ArrayList<>();
    private final Reconnecting<CassandraListenerRegistry> registry =
            new Reconnecting<>("listener registry", new ServiceMonitor("ListenerRegistry", "default"), this::build);

    public ServiceMonitor monitor() {
        return registry.monitor();
    }

    private synchronized CassandraListenerRegistry build(CassandraConnection connection) {
        CassandraListenerRegistry r =
                new CassandraListenerRegistry(connection.session(), connection.settings(), registry.monitor());
        values.forEach(e -> r.addValueChangeListener(e.getKey(), e.getValue()));
        keySets.forEach(e -> r.addKeySetChangeListener(e.getKey(), e.getValue()));
        return r;
    }

    @Override
    public synchronized void connect(CassandraConnection connection) {
        registry.connect(connection);
    }

    @Override
    public synchronized void disconnect(CassandraConnection connection) {
        registry.disconnect(connection);
    }

    @Override
    public synchronized void addValueChangeListener(String key, ValueChangeListener eventListener) {
        KeyPath.of(key);
        Objects.requireNonNull(eventListener, "eventListener");
        values.add(Map.entry(key, eventListener));
        if (registry.isConnected()) {
            registry.get().addValueChangeListener(key, eventListener);
        }
    }

    @Override
    public synchronized void removeValueChangeListener(String key, ValueChangeListener eventListener) {
        values.removeIf(e -> e.getKey().equals(key) && e.getValue() == eventListener);
        if (registry.isConnected()) {
            registry.get().removeValueChangeListener(key, eventListener);
        }
    }

    @Override
    public synchronized void addKeySetChangeListener(String namespace, KeySetChangeListener eventListener) {
        KeyPath.namespace(namespace);
        Objects.requireNonNull(eventListener, "eventListener");
        keySets.add(Map.entry(namespace, eventListener));
        if (registry.isConnected()) {
            registry.get().addKeySetChangeListener(namespace, eventListener);
        }
    }

    @Override
    public synchronized void removeKeySetChangeListener(String namespace, KeySetChangeListener eventListener) {
        keySets.removeIf(e -> e.getKey().equals(namespace) && e.getValue() == eventListener);
        if (registry.isConnected()) {
            registry.get().removeKeySetChangeListener(namespace, eventListener);
        }
    }

    /** Registrations kept across connections. */
    public synchronized int registrations() {
        return values.size() + keySets.size();
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public synchronized void close() {
        registry.close();
        values.clear();
        keySets.clear();
    }
}
