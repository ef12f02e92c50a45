package io.kafkacassandra.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.zookeeper.internal.TransactionBatch;
import io.kafkacassandra.zookeeper.internal.TransactionLogTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.Request;
import org.junit.jupiter.api.Test;

/** What only a service of several instances on Cassandra has to show: instances that die, join and race. */
class ZooKeeperOnCassandraTest extends InstancesOnCassandra {
    private static final int SESSION_TIMEOUT_MS = 4000; // the minimum: two ticks of 2 s

    private ZooKeeper client(String connectString, Watcher watcher) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            watcher.process(event);
        });
        opened.add(zk::close);
        assertTrue(connected.await(30, TimeUnit.SECONDS), "no connection to " + connectString);
        return zk;
    }

    /**
     * The instance holding a session dies (no closeSession is ever sent): the session's ephemerals disappear,
     * for the clients of every other instance, within the session timeout plus the documented bound.
     */
    @Test
    void theSessionsOfADeadInstanceExpireWithinTheirTimeoutPlusTheBound() throws Exception {
        ZooKeeperService doomed = instance("expiry");
        ZooKeeperService survivor = instance("expiry");
        ZooKeeper owner = client(doomed.connectString(), e -> {});
        owner.create("/broker", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        ZooKeeper watcher = client(survivor.connectString(), e -> {});
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeperConformance.sync(watcher, "/broker");
        assertNotNull(watcher.exists("/broker", events::add));

        long died = System.nanoTime();
        doomed.close();
        WatchedEvent deleted = events.poll(SESSION_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        assertNotNull(deleted, "the ephemeral of the dead instance's session is still there");
        assertEquals(Watcher.Event.EventType.NodeDeleted, deleted.getType());
        // a ping at most a third of the timeout before the death; expiry at most 1 s (whole-second TTLs) + a tick
        // later, plus a reaper election if the dead instance was the reaper
        assertTrue(afterMs >= SESSION_TIMEOUT_MS / 2, "expired early, after " + afterMs + " ms");
        assertTrue(afterMs <= SESSION_TIMEOUT_MS + 6000, "expired late, after " + afterMs + " ms");
    }

    /** A client whose instance goes away reconnects to another one and keeps its session and its ephemerals. */
    @Test
    void aClientMovesToAnotherInstanceAndKeepsItsSession() throws Exception {
        ZooKeeperService first = instance("move");
        ZooKeeperService second = instance("move");
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = client(first.connectString(), e -> states.add(e.getState()));
        long sessionId = zk.getSessionId();
        zk.create("/member", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        states.clear();
        zk.updateServerList(second.connectString());
        first.close();
        assertEquals(Watcher.Event.KeeperState.Disconnected, states.poll(30, TimeUnit.SECONDS));
        assertEquals(Watcher.Event.KeeperState.SyncConnected, states.poll(30, TimeUnit.SECONDS));
        // Longer than the timeout, the session stays alive: checked all along, not only at the end.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS + 3000);
        while (System.nanoTime() < until) {
            Stat stat = zk.exists("/member", false);
            assertNotNull(stat, "the ephemeral of a live session was deleted");
            assertEquals(sessionId, stat.getEphemeralOwner());
            assertTrue(states.stream().noneMatch(s -> s == Watcher.Event.KeeperState.Expired), states.toString());
            Thread.sleep(100);
        }
        assertEquals(sessionId, zk.getSessionId());
    }

    /**
     * Compare-and-set increments from clients of two instances at once: every instance prepares on its own state
     * and the log decides; an increment is acknowledged at most once and none is lost.
     */
    @Test
    void concurrentWritersOnTwoInstancesLoseNoUpdate() throws Exception {
        ZooKeeperService first = instance("race");
        ZooKeeperService second = instance("race");
        ZooKeeper setup = client(first.connectString(), e -> {});
        setup.create("/counter", bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        int writers = 4;
        int each = 15;
        List<ZooKeeper> clients = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            clients.add(client((i % 2 == 0 ? first : second).connectString(), e -> {}));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (ZooKeeper zk : clients) {
                conflicts.add(pool.submit(() -> {
                    int refused = 0;
                    for (int done = 0; done < each; ) {
                        Stat stat = new Stat();
                        int value = Integer.parseInt(
                                new String(zk.getData("/counter", false, stat), StandardCharsets.UTF_8));
                        try {
                            zk.setData("/counter", bytes(value + 1), stat.getVersion());
                            done++;
                        } catch (KeeperException.BadVersionException e) {
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            int refused = 0;
            for (Future<Integer> f : conflicts) {
                refused += f.get(5, TimeUnit.MINUTES);
            }
            for (ZooKeeper zk : clients) {
                ZooKeeperConformance.sync(zk, "/counter");
                Stat stat = new Stat();
                assertArrayEquals(bytes(writers * each), zk.getData("/counter", false, stat));
                assertEquals(writers * each, stat.getVersion());
            }
            System.out.println("counter: " + writers * each + " increments, " + refused + " refused by version");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * An instance hands its own appended positions to ZooKeeper without reading them back: with a periodic read far
     * away and no other instance, writes are answered and cost (nearly) no tail read.
     */
    @Test
    void anInstanceAnswersItsOwnWritesWithoutReadingThemBack() throws Exception {
        ZooKeeperService only = instance("own", Map.of("tailReadPeriodMs", "10000", "nudgePort", "-1"));
        ZooKeeper zk = client(only.connectString(), e -> {});
        long readsBefore = only.monitor().getPolls();
        int writes = 20;
        long began = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            zk.create("/own-" + i, bytes(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        long reads = only.monitor().getPolls() - readsBefore;
        // at most the periodic read that may fall within the writes (10 s apart), not one per write
        assertTrue(reads <= 2, writes + " writes cost " + reads + " tail reads");
        assertTrue(tookMs < 10_000, writes + " writes took " + tookMs + " ms");
        assertArrayEquals(bytes(writes - 1), zk.getData("/own-" + (writes - 1), false, null));
    }

    /**
     * A write on one instance fires a watch set on another at once, long before the other's periodic tail read:
     * the writer nudges it.
     */
    @Test
    void aWriteNudgesTheOtherInstancesToReadTheLogAtOnce() throws Exception {
        Map<String, String> slowReads = Map.of("tailReadPeriodMs", "10000");
        ZooKeeperService writer = instance("nudge", slowReads);
        ZooKeeperService watcher = instance("nudge", slowReads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!writer.peers().contains(watcher.instance())) {
            assertTrue(System.nanoTime() < deadline, "the writer never learnt of the other instance");
            Thread.sleep(50);
        }
        ZooKeeper writes = client(writer.connectString(), e -> {});
        ZooKeeper watches = client(watcher.connectString(), e -> {});
        for (int i = 0; i < 3; i++) {
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            assertNull(watches.exists("/nudged-" + i, events::add));
            long began = System.nanoTime();
            writes.create("/nudged-" + i, bytes(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            WatchedEvent created = events.poll(10, TimeUnit.SECONDS);
            long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            assertNotNull(created, "no watch event within the periodic read's 10 s");
            assertEquals(Watcher.Event.EventType.NodeCreated, created.getType());
            assertTrue(afterMs < 2000, "the watch fired " + afterMs + " ms after the write: no nudge");
        }
    }

    /** An instance started later builds the whole tree from the log: same data, same stats, same zxid. */
    @Test
    void anInstanceStartedLaterServesTheSameTree() throws Exception {
        ZooKeeperService first = instance("late");
        ZooKeeper zk = client(first.connectString(), e -> {});
        zk.create("/a", bytes(1), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 20; i++) {
            zk.create("/a/s-", bytes(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        }
        zk.setData("/a", bytes(2), 0);
        Stat expected = zk.exists("/a", false);

        ZooKeeperService late = instance("late");
        assertEquals(first.lastZxid(), late.lastZxid());
        ZooKeeper other = client(late.connectString(), e -> {});
        Stat stat = new Stat();
        assertArrayEquals(bytes(2), other.getData("/a", false, stat));
        assertEquals(expected, stat);
        assertEquals(zk.getChildren("/a", false), other.getChildren("/a", false));
    }

    /**
     * A batch that loses its position is prepared again as if its first preparation never happened: a session
     * whose close was in it is not taken as closing for the writes before the close (which ZooKeeper applies).
     */
    @Test
    void writesBeforeACloseSurviveTheirBatchLosingItsPosition() throws Exception {
        ZooKeeperService one = instance("lost-race");
        TransactionLogTable log = new TransactionLogTable(
                new CqlRunner(session, new ServiceMonitor("ZooKeeper", "test")), settings, "lost-race");
        ZooKeeper zk = client(one.connectString(), e -> {});
        zk.create("/gate", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch holding = new CountDownLatch(1);
        one.server().sequencer().beforeAppend = (batch, position) -> {
            boolean closes = batch.stream().anyMatch(r -> r.type == ZooDefs.OpCode.closeSession);
            boolean creates = batch.stream().anyMatch(r -> r.type == ZooDefs.OpCode.create);
            if (!closes) {
                holding.countDown();
                // the create and the close queue behind this batch, and come in the next one together
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (one.server().sequencer().queued() < 2 && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            } else if (creates && lost.compareAndSet(0, 1)) {
                // another instance takes this batch's position first
                log.append(position, java.util.UUID.randomUUID(), one.lastZxid(), TransactionBatch.encode(List.of()));
            }
        };
        java.util.concurrent.CompletableFuture<Integer> created = new java.util.concurrent.CompletableFuture<>();
        zk.setData("/gate", bytes(1), -1, (rc, path, ctx, stat) -> {}, null);
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        zk.create(
                "/gate/e",
                new byte[0],
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL,
                (rc, path, ctx, name) -> created.complete(rc),
                null);
        zk.close();
        assertEquals(
                KeeperException.Code.OK.intValue(),
                created.get(30, TimeUnit.SECONDS),
                "the create before the close was refused");
        assertEquals(1, lost.get(), "the create and the close were not in one batch that lost its position");
        ZooKeeper other = client(one.connectString(), e -> {});
        assertEquals(null, other.exists("/gate/e", false));
        assertEquals(2, other.exists("/gate", false).getCversion()); // created, then deleted by the close
    }

    /**
     * A client moves to another instance while a write of its waits on the first (its batch not yet appended): the
     * left-behind write must not be applied after the writes the client makes on the new instance, which would
     * break the client's order and let a stale value win. ZooKeeper refuses it as SESSIONMOVED; here the move is
     * claimed in the log, and a write prepared after the claim on another instance is refused the same way.
     */
    @Test
    void aWriteLeftBehindByAClientThatMovedIsRefusedAsSessionMoved() throws Exception {
        ZooKeeperService first = instance("moved");
        ZooKeeperService second = instance("moved");
        ZooKeeper zk = client(first.connectString(), e -> {});
        zk.create("/value", bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        long session = zk.getSessionId();
        HeldAppend held = HeldAppend.of(first, r -> r.type == ZooDefs.OpCode.setData && r.sessionId == session);
        java.util.concurrent.CompletableFuture<Integer> leftBehind = new java.util.concurrent.CompletableFuture<>();
        zk.setData("/value", bytes(1), -1, (rc, path, ctx, stat) -> leftBehind.complete(rc), null);
        held.await("the first write never reached its append");

        zk.updateServerList(second.connectString()); // the client leaves the first instance for the second
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                zk.setData("/value", bytes(2), -1);
                break;
            } catch (KeeperException.ConnectionLossException e) {
                assertTrue(System.nanoTime() < deadline, "the client did not reconnect to the second instance");
                Thread.sleep(50);
            }
        }
        held.release();
        assertEquals(KeeperException.Code.CONNECTIONLOSS.intValue(), leftBehind.get(30, TimeUnit.SECONDS));

        // A write of another client on the first instance is appended after the left-behind one.
        ZooKeeper later = client(first.connectString(), e -> {});
        later.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (ZooKeeper reader : List.of(later, zk)) {
            ZooKeeperConformance.sync(reader, "/value");
            Stat stat = new Stat();
            assertArrayEquals(bytes(2), reader.getData("/value", false, stat), "the left-behind write won");
            assertEquals(1, stat.getVersion(), "the left-behind write was applied");
        }
        assertEquals(session, zk.getSessionId());
    }

    /**
     * The reaper closes a session while another instance's claim of it (its client moving there) waits for its
     * append. The close must stay a close on every instance, and the claim be refused (the client told its session
     * expired): a claim taken for the close, or the close for the claim, would bring the session back without its
     * ephemerals, or drop it from one instance's sessions and not another's.
     */
    @Test
    void aCloseRacingAClaimOfTheSameSessionStaysAClose() throws Exception {
        ZooKeeperService first = instance("claim-race");
        ZooKeeperService second = instance("claim-race");
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = client(first.connectString(), e -> states.add(e.getState()));
        zk.create("/lock", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        long session = zk.getSessionId();
        HeldAppend held = HeldAppend.of(second, r -> r.type == ZooDefs.OpCode.createSession && r.sessionId == session);
        zk.updateServerList(second.connectString());
        held.await("the claim never reached its append");
        first.server().expire(session); // the reaper's close, appended by the first instance first
        awaitGone(first, session);
        held.release();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!states.contains(Watcher.Event.KeeperState.Expired)) {
            assertTrue(System.nanoTime() < deadline, "the client was not told its session expired: " + states);
            Thread.sleep(20);
        }
        awaitGone(second, session);
        ZooKeeper other = client(second.connectString(), e -> {});
        ZooKeeperConformance.sync(other, "/");
        assertNull(other.exists("/lock", false));
        assertEquals(first.lastZxid(), second.lastZxid());
        assertEquals(
                first.server().getZKDatabase().getDataTree().getTreeDigest(),
                second.server().getZKDatabase().getDataTree().getTreeDigest());
    }

    /** Holds an instance's first append of a batch with a matching request until released (at most 60 s). */
    private record HeldAppend(CountDownLatch reached, CountDownLatch released) {
        static HeldAppend of(ZooKeeperService instance, java.util.function.Predicate<Request> matching) {
            HeldAppend held = new HeldAppend(new CountDownLatch(1), new CountDownLatch(1));
            instance.server().sequencer().beforeAppend = (batch, position) -> {
                if (held.reached.getCount() > 0 && batch.stream().anyMatch(matching)) {
                    held.reached.countDown();
                    try {
                        held.released.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            return held;
        }

        void await(String otherwise) throws InterruptedException {
            assertTrue(reached.await(30, TimeUnit.SECONDS), otherwise);
        }

        void release() {
            released.countDown();
        }
    }

    private static void awaitGone(ZooKeeperService instance, long session) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (instance.tree().sessions().containsKey(session)) {
            assertTrue(System.nanoTime() < deadline, "session still known to " + instance.instance());
            Thread.sleep(20);
        }
    }

    private static byte[] bytes(int value) {
        return Integer.toString(value).getBytes(StandardCharsets.UTF_8);
    }
}
