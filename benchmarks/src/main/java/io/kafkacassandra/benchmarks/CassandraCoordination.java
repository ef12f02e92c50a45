package io.kafkacassandra.benchmarks;

import io.kafkacassandra.bridge.CassandraPluginLocator;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** kafka-cassandra through its plain {@link CassandraPluginLocator}, as a patched broker uses it. */
final class CassandraCoordination implements Coordination {
    private final CassandraPluginLocator locator = new CassandraPluginLocator();

    CassandraCoordination(String pluginProperties) {
        locator.startup(pluginProperties);
    }

    @Override
    public void put(String key, String value) {
        locator.getStorage().put(key, value);
    }

    @Override
    public void update(String key, String value) {
        locator.getStorage().update(key, value);
    }

    @Override
    public Optional<String> fetch(String key) throws Exception {
        return locator.getStorage().fetch(key).get();
    }

    @Override
    public void watch(String key, Consumer<Optional<String>> listener) {
        locator.getListenerRegistry().addValueChangeListener(key, listener::accept);
    }

    @Override
    public void nominate(String service, String id) {
        locator.getLeaderElection(service).nominate(id);
    }

    @Override
    public void resign(String service, String id) {
        locator.getLeaderElection(service).resign(id);
    }

    @Override
    public void observeLeader(String service, Consumer<Optional<String>> listener) {
        locator.getLeaderElection(service).addListener(listener::accept);
    }

    @Override
    public void join(String group, String id) {
        locator.getGroupMembership(group).join(id, id);
    }

    @Override
    public void leave(String group, String id) {
        locator.getGroupMembership(group).leave(id);
    }

    @Override
    public void observeGroup(String group, Consumer<Set<String>> listener) {
        locator.getGroupMembership(group).addListener(listener::accept);
    }

    @Override
    public void close() {
        locator.close();
    }
}
