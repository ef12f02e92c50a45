package io.kafkacassandra.storage;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.Reconnecting;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.plugin.interfaces.FencedStorage;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.Versioned;

/**
 * {@link CassandraStorage} on whatever Cassandra connection is current: the object a client holds stays valid
 * when the session is replaced. While there is none, calls throw
 * {@link org.apache.kafka.plugin.interfaces.StoreUnavailableException} at once.
 */
public final class ReconnectingStorage implements FencedStorage, ConnectionFollower {
    private final ServiceMonitor monitor = new ServiceMonitor("Storage", "default");
    private final Reconnecting<CassandraStorage> storage =
            new Reconnecting<>("storage", monitor, c -> new CassandraStorage(c.session(), c.settings(), monitor));

    public ServiceMonitor monitor() {
        return monitor;
    }

    @Override
    public void connect(CassandraConnection connection) {
        storage.connect(connection);
    }

    @Override
    public void disconnect(CassandraConnection connection) {
        storage.disconnect(connection);
    }

    @Override
    public CompletableFuture<Optional<String>> fetch(String key) {
        return storage.call(s -> s.fetch(key));
    }

    @Override
    public Optional<Versioned> fetchVersioned(String key) {
        return storage.call(s -> s.fetchVersioned(key));
    }

    @Override
    public void put(String key, String data) {
        storage.run(s -> s.put(key, data));
    }

    @Override
    public void update(String key, String data) {
        storage.run(s -> s.update(key, data));
    }

    @Override
    public boolean delete(String key) {
        return storage.call(s -> s.delete(key));
    }

    @Override
    public Optional<Long> compareAndSet(String key, long expectedVersion, String data) {
        return storage.call(s -> s.compareAndSet(key, expectedVersion, data));
    }

    @Override
    public boolean compareAndDelete(String key, long expectedVersion) {
        return storage.call(s -> s.compareAndDelete(key, expectedVersion));
    }

    @Override
    public void fence(String namespace, Leadership leadership) {
        storage.run(s -> s.fence(namespace, leadership));
    }

    @Override
    public void put(String key, String data, Leadership leadership) {
        storage.run(s -> s.put(key, data, leadership));
    }

    @Override
    public void update(String key, String data, Leadership leadership) {
        storage.run(s -> s.update(key, data, leadership));
    }

    @Override
    public Optional<Long> compareAndSet(String key, long expectedVersion, String data, Leadership leadership) {
        return storage.call(s -> s.compareAndSet(key, expectedVersion, data, leadership));
    }

    @Override
    public boolean delete(String key, Leadership leadership) {
        return storage.call(s -> s.delete(key, leadership));
    }

    @Override
    public boolean compareAndDelete(String key, long expectedVersion, Leadership leadership) {
        return storage.call(s -> s.compareAndDelete(key, expectedVersion, leadership));
    }

    @Override
    public Set<String> children(String namespace) {
        return storage.call(s -> s.children(namespace));
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public void close() {
        storage.close();
    }
}
