package io.kafkacassandra.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.retry.RetryForever;
import org.apache.zookeeper.KeeperException;

/**
 * The peer: Apache Curator's recipes on ZooKeeper, the way a ZooKeeper user would do each thing. Plain
 * create / setData / getData (after sync, so that the read is linearizable like kafka-cassandra's SERIAL
 * read), CuratorCache for watches, LeaderLatch for election, GroupMember for membership. The session timeout is
 * kafka-cassandra's lease TTL.
 */
final class CuratorCoordination implements Coordination {
    static final int SESSION_TIMEOUT_MS = 2_000;

    private final CuratorFramework client;
    private final Map<String, LeaderLatch> latches = new ConcurrentHashMap<>();
    private final Map<String, GroupMember> members = new ConcurrentHashMap<>();
    private final Map<String, CuratorCache> caches = new ConcurrentHashMap<>();

    CuratorCoordination(String connectString) throws InterruptedException {
        client = CuratorFrameworkFactory.newClient(
                connectString, SESSION_TIMEOUT_MS, SESSION_TIMEOUT_MS, new RetryForever(100));
        client.start();
        if (!client.blockUntilConnected(60, java.util.concurrent.TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("no ZooKeeper at " + connectString);
        }
    }

    @Override
    public void put(String key, String value) throws Exception {
        client.create().creatingParentsIfNeeded().forPath(key, bytes(value));
    }

    @Override
    public void update(String key, String value) throws Exception {
        client.setData().forPath(key, bytes(value));
    }

    @Override
    public OptionalLong compareAndSet(String key, long expected, String value) throws Exception {
        try {
            return OptionalLong.of(client.setData()
                    .withVersion(Math.toIntExact(expected))
                    .forPath(key, bytes(value))
                    .getVersion());
        } catch (KeeperException.BadVersionException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public long version(String key) throws Exception {
        client.sync().forPath(key);
        return client.checkExists().forPath(key).getVersion();
    }

    @Override
    public Optional<String> fetch(String key) throws Exception {
        client.sync().forPath(key);
        try {
            return Optional.of(new String(client.getData().forPath(key), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> read(String key) throws Exception {
        try {
            return Optional.of(new String(client.getData().forPath(key), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean readsLocally() {
        return true;
    }

    @Override
    public void watch(String key, Consumer<Optional<String>> listener) {
        CuratorCache cache = CuratorCache.build(client, key, CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.listenable()
                .addListener((type, before, after) -> listener.accept(
                        after == null
                                ? Optional.empty()
                                : Optional.of(new String(after.getData(), StandardCharsets.UTF_8))));
        cache.start();
        caches.put(key + "#" + System.identityHashCode(listener), cache);
    }

    @Override
    public void nominate(String service, String id) throws Exception {
        LeaderLatch latch = new LeaderLatch(client, "/election/" + service, id);
        latch.start();
        latches.put(service + "/" + id, latch);
    }

    @Override
    public void resign(String service, String id) throws Exception {
        LeaderLatch latch = latches.remove(service + "/" + id);
        if (latch != null) {
            latch.close();
        }
    }

    /** The leader is the latch node with the lowest sequence number; its data is the participant id. */
    @Override
    public void observeLeader(String service, Consumer<Optional<String>> listener) {
        String path = "/election/" + service;
        CuratorCache cache = CuratorCache.build(client, path);
        Runnable tell = () -> listener.accept(cache.stream()
                .filter(c -> !c.getPath().equals(path))
                .min(Comparator.comparing(CuratorCoordination::sequence))
                .map(c -> new String(c.getData(), StandardCharsets.UTF_8)));
        cache.listenable().addListener((type, before, after) -> tell.run());
        cache.start();
        caches.put(path + "#leader#" + System.identityHashCode(listener), cache);
    }

    private static String sequence(ChildData node) {
        String path = node.getPath();
        return path.substring(path.length() - 10);
    }

    @Override
    public void join(String group, String id) {
        GroupMember member = new GroupMember(client, "/groups/" + group, id, bytes(id));
        member.start();
        members.put(group + "/" + id, member);
    }

    @Override
    public void leave(String group, String id) {
        GroupMember member = members.remove(group + "/" + id);
        if (member != null) {
            member.close();
        }
    }

    @Override
    public void observeGroup(String group, Consumer<Set<String>> listener) {
        String path = "/groups/" + group;
        CuratorCache cache = CuratorCache.build(client, path);
        Runnable tell = () -> listener.accept(cache.stream()
                .filter(c -> !c.getPath().equals(path))
                .map(c -> c.getPath().substring(path.length() + 1))
                .collect(Collectors.toSet()));
        cache.listenable().addListener((type, before, after) -> tell.run());
        cache.start();
        caches.put(path + "#group#" + System.identityHashCode(listener), cache);
    }

    @Override
    public void close() {
        caches.values().forEach(CuratorCache::close);
        latches.values().forEach(l -> {
            try {
                l.close();
            } catch (Exception e) {
                // closing anyway
            }
        });
        members.values().forEach(GroupMember::close);
        client.close();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
