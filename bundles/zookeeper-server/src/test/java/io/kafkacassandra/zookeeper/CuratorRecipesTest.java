package io.kafkacassandra.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;

/** Apache Curator's recipes on two instances of the service, each client on its own instance. */
class CuratorRecipesTest extends InstancesOnCassandra {
    private CuratorFramework curator(ZooKeeperService instance) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(instance.connectString())
                .sessionTimeoutMs(4000)
                .connectionTimeoutMs(10_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .build();
        c.start();
        opened.add(c);
        assertTrue(c.blockUntilConnected(30, TimeUnit.SECONDS));
        return c;
    }

    /** One leader at a time; when the leader's instance dies, the other latch leads after the session expires. */
    @Test
    void leaderLatchFailsOverWhenTheLeadersInstanceDies() throws Exception {
        ZooKeeperService first = instance("latch");
        ZooKeeperService second = instance("latch");
        LeaderLatch one = new LeaderLatch(curator(first), "/latch", "one");
        LeaderLatch two = new LeaderLatch(curator(second), "/latch", "two");
        one.start();
        assertTrue(one.await(30, TimeUnit.SECONDS));
        two.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (two.getParticipants().size() < 2) { // two's node is there: it is a contender now
            assertTrue(System.nanoTime() < deadline, "the second latch never joined");
            Thread.sleep(20);
        }
        assertTrue(one.hasLeadership());
        assertTrue(!two.hasLeadership());
        first.close(); // the leader's instance dies: its session expires, its latch node goes
        assertTrue(two.await(20, TimeUnit.SECONDS), "no failover");
        assertEquals("two", two.getLeader().getId());
        two.close();
    }

    /** InterProcessMutex: a read-modify-write under the lock from both instances loses nothing. */
    @Test
    void interProcessMutexExcludesAcrossInstances() throws Exception {
        ZooKeeperService first = instance("mutex");
        ZooKeeperService second = instance("mutex");
        List<CuratorFramework> clients = List.of(curator(first), curator(second), curator(first), curator(second));
        clients.get(0).create().forPath("/counted", "0".getBytes(StandardCharsets.UTF_8));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (CuratorFramework c : clients) {
                done.add(pool.submit(() -> {
                    InterProcessMutex lock = new InterProcessMutex(c, "/lock");
                    for (int i = 0; i < 5; i++) {
                        lock.acquire();
                        try {
                            if (inside.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            int v = Integer.parseInt(
                                    new String(c.getData().forPath("/counted"), StandardCharsets.UTF_8));
                            c.setData()
                                    .forPath("/counted", Integer.toString(v + 1).getBytes(StandardCharsets.UTF_8));
                            inside.decrementAndGet();
                        } finally {
                            lock.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, overlaps.get());
        CuratorFramework reader = clients.get(1);
        reader.sync().forPath("/counted");
        assertEquals("20", new String(reader.getData().forPath("/counted"), StandardCharsets.UTF_8));
    }

    @Test
    void distributedAtomicLongCountsEveryIncrement() throws Exception {
        ZooKeeperService first = instance("atomic");
        ZooKeeperService second = instance("atomic");
        DistributedAtomicLong a = new DistributedAtomicLong(curator(first), "/n", new RetryNTimes(50, 20));
        DistributedAtomicLong b = new DistributedAtomicLong(curator(second), "/n", new RetryNTimes(50, 20));
        int succeeded = 0;
        for (int i = 0; i < 10; i++) {
            for (DistributedAtomicLong n : List.of(a, b)) {
                AtomicValue<Long> v = n.increment();
                if (v.succeeded()) {
                    succeeded++;
                }
            }
        }
        assertEquals(20, succeeded);
        assertEquals(20L, b.get().postValue());
    }

    @Test
    void groupMemberAndCuratorCacheSeeEveryMember() throws Exception {
        ZooKeeperService first = instance("group");
        ZooKeeperService second = instance("group");
        CuratorFramework watcher = curator(second);
        BlockingQueue<String> created = new LinkedBlockingQueue<>();
        CuratorCache cache = CuratorCache.build(watcher, "/group");
        cache.listenable()
                .addListener(CuratorCacheListener.builder()
                        .forCreates(node -> created.add(node.getPath()))
                        .build());
        cache.start();
        opened.add(cache);
        GroupMember one = new GroupMember(curator(first), "/group", "one", new byte[0]);
        GroupMember two = new GroupMember(curator(second), "/group", "two", new byte[0]);
        one.start();
        two.start();
        opened.add(one);
        opened.add(two);
        Set<String> seen = new java.util.HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!seen.containsAll(Set.of("/group/one", "/group/two")) && System.nanoTime() < deadline) {
            String path = created.poll(1, TimeUnit.SECONDS);
            if (path != null) {
                seen.add(path);
            }
        }
        assertTrue(seen.containsAll(Set.of("/group/one", "/group/two")), seen.toString());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (one.getCurrentMembers().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(Set.of("one", "two"), one.getCurrentMembers().keySet());
    }
}
