package io.kafkacassandra.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper's semantics as a ZooKeeper 3.8 client sees them, written once and run against a real Apache ZooKeeper
 * server ({@link RealZooKeeperConformanceTest}) and against two instances of the service on Cassandra
 * ({@link CassandraZooKeeperConformanceTest}, client {@code a} on one instance, {@code b} on the other): each
 * assertion is what ZooKeeper does, so both must pass it.
 */
abstract class ZooKeeperConformance {
    static final byte[] NO_DATA = new byte[0];

    /** The connect string of the server that client {@code 0} or {@code 1} talks to. */
    abstract String connectString(int client);

    ZooKeeper a;
    ZooKeeper b;
    final List<ZooKeeper> opened = new ArrayList<>();
    String root; // a fresh parent per test, so that tests share nothing

    @BeforeEach
    void connect() throws Exception {
        a = client(0);
        b = client(1);
        root = "/t-" + UUID.randomUUID();
        a.create(root, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        for (ZooKeeper zk : opened) {
            zk.close();
        }
    }

    ZooKeeper client(int server) throws Exception {
        return client(connectString(server), 10_000, event -> {});
    }

    ZooKeeper client(String connectString, int timeoutMs, Watcher watcher) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, timeoutMs, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            watcher.process(event);
        });
        opened.add(zk);
        assertTrue(connected.await(30, TimeUnit.SECONDS), "no connection to " + connectString);
        return zk;
    }

    /** ZooKeeper's sync, waited for: afterwards the client's server has applied what was acknowledged before. */
    static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), done.get(30, TimeUnit.SECONDS));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void statsOfCreateAndSetDataAreZooKeepers() throws Exception {
        String path = root + "/n";
        Stat created = new Stat();
        a.create(path, bytes("one"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
        assertEquals(created.getCzxid(), created.getMzxid());
        assertEquals(created.getCzxid(), created.getPzxid());
        assertEquals(0, created.getVersion());
        assertEquals(0, created.getCversion());
        assertEquals(0, created.getAversion());
        assertEquals(0, created.getEphemeralOwner());
        assertEquals(3, created.getDataLength());
        assertEquals(0, created.getNumChildren());
        assertEquals(created.getCtime(), created.getMtime());

        sync(b, path);
        Stat read = new Stat();
        assertArrayEquals(bytes("one"), b.getData(path, false, read));
        assertEquals(created, read);

        Stat set = b.setData(path, bytes("three"), 0);
        assertEquals(1, set.getVersion());
        assertEquals(created.getCzxid(), set.getCzxid());
        assertTrue(set.getMzxid() > created.getMzxid());
        assertEquals(created.getPzxid(), set.getPzxid());
        assertEquals(5, set.getDataLength());

        Stat parent = a.exists(root, false);
        sync(a, root);
        parent = a.exists(root, false);
        assertEquals(1, parent.getNumChildren());
        assertEquals(1, parent.getCversion());
        assertEquals(created.getCzxid(), parent.getPzxid());
    }

    @Test
    void aReCreatedNodeHasAHigherCzxid() throws Exception {
        String path = root + "/broker";
        Stat first = new Stat();
        a.create(path, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, first);
        sync(b, path);
        b.delete(path, -1);
        Stat second = new Stat();
        b.create(path, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, second);
        assertTrue(second.getCzxid() > first.getCzxid());
        assertEquals(0, second.getVersion());
    }

    @Test
    void errorsAreZooKeepers() throws Exception {
        String path = root + "/e";
        a.create(path, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        sync(b, path);
        assertThrows(
                KeeperException.NodeExistsException.class,
                () -> b.create(path, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThrows(
                KeeperException.NoNodeException.class,
                () -> b.create(root + "/missing/child", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThrows(KeeperException.BadVersionException.class, () -> b.setData(path, NO_DATA, 7));
        assertThrows(KeeperException.BadVersionException.class, () -> b.delete(path, 7));
        assertThrows(KeeperException.NoNodeException.class, () -> b.getData(root + "/none", false, null));
        assertThrows(KeeperException.NoNodeException.class, () -> b.setData(root + "/none", NO_DATA, -1));
        a.create(path + "/child", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThrows(KeeperException.NotEmptyException.class, () -> b.delete(path, -1));
        String ephemeral = a.create(root + "/eph", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        assertThrows(
                KeeperException.NoChildrenForEphemeralsException.class,
                () -> a.create(ephemeral + "/c", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertNull(b.exists(root + "/none", false));
    }

    @Test
    void sequentialNamesComeFromTheParentsCversionAcrossServers() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ZooKeeper zk = i % 2 == 0 ? a : b;
            sync(zk, root);
            names.add(
                    zk.create(root + "/seq-", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(root + "/seq-" + String.format("%010d", i), names.get(i));
        }
        sync(b, root);
        Stat stat = new Stat();
        List<String> children = b.getChildren(root, false, stat);
        assertEquals(6, children.size());
        assertEquals(6, stat.getNumChildren());
        assertEquals(6, b.getAllChildrenNumber(root));
    }

    @Test
    void aFailedMultiAppliesNothingAndReportsEveryOperation() throws Exception {
        String x = root + "/x";
        a.create(x, bytes("v0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        sync(b, root);
        KeeperException failed = assertThrows(
                KeeperException.class,
                () -> b.multi(List.of(
                        Op.create(root + "/y", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.check(x, 5),
                        Op.setData(x, bytes("v1"), -1))));
        assertInstanceOf(KeeperException.BadVersionException.class, failed);
        List<OpResult> results = failed.getResults();
        assertEquals(3, results.size());
        assertEquals(0, ((OpResult.ErrorResult) results.get(0)).getErr());
        assertEquals(KeeperException.Code.BADVERSION.intValue(), ((OpResult.ErrorResult) results.get(1)).getErr());
        assertEquals(
                KeeperException.Code.RUNTIMEINCONSISTENCY.intValue(), ((OpResult.ErrorResult) results.get(2)).getErr());
        sync(a, root);
        assertNull(a.exists(root + "/y", false));
        assertArrayEquals(bytes("v0"), a.getData(x, false, null));

        List<OpResult> ok = b.multi(List.of(
                Op.check(x, 0),
                Op.create(root + "/y", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(x, bytes("v1"), 0),
                Op.delete(root + "/y", 0)));
        assertInstanceOf(OpResult.CheckResult.class, ok.get(0));
        assertEquals(root + "/y", ((OpResult.CreateResult) ok.get(1)).getPath());
        OpResult.SetDataResult set = (OpResult.SetDataResult) ok.get(2);
        assertEquals(1, set.getStat().getVersion());
        assertInstanceOf(OpResult.DeleteResult.class, ok.get(3));
        // one transaction: the create and the set have the same zxid
        sync(a, x);
        assertEquals(set.getStat().getMzxid(), a.exists(x, false).getMzxid());
    }

    /** A client sees the watch event before it sees the data that triggered it (events and replies in order). */
    @Test
    void aWatchEventComesBeforeTheDataThatTriggeredItAcrossServers() throws Exception {
        String path = root + "/w";
        a.create(path, bytes("0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        sync(b, path);
        List<String> seen = new CopyOnWriteArrayList<>();
        b.getData(path, event -> seen.add("event " + event.getType()), null);
        a.setData(path, bytes("1"), 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            CompletableFuture<Stat> read = new CompletableFuture<>();
            b.getData(
                    path,
                    false,
                    (rc, p, ctx, data, stat) -> {
                        if (stat != null && stat.getVersion() == 1) {
                            seen.add("data 1");
                        }
                        read.complete(stat);
                    },
                    null);
            if (read.get(10, TimeUnit.SECONDS).getVersion() == 1) {
                break;
            }
        }
        assertEquals(List.of("event NodeDataChanged", "data 1"), seen);
    }

    @Test
    void watchesFireInTheOrderOfTheTransactions() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        for (int i = 0; i < 5; i++) {
            a.create(root + "/o" + i, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        sync(b, root);
        for (int i = 0; i < 5; i++) {
            b.exists(root + "/o" + i, event -> events.add(event.getPath() + " " + event.getType()));
        }
        for (int i : new int[] {3, 1, 4, 0, 2}) {
            a.setData(root + "/o" + i, bytes("x"), -1);
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "only " + order);
            order.add(e);
        }
        assertEquals(
                List.of(3, 1, 4, 0, 2).stream()
                        .map(i -> root + "/o" + i + " NodeDataChanged")
                        .toList(),
                order);
    }

    @Test
    void closingASessionDeletesItsEphemeralsAndFiresTheirWatches() throws Exception {
        ZooKeeper owner = client(0);
        Stat stat = new Stat();
        owner.create(root + "/eph", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, stat);
        assertEquals(owner.getSessionId(), stat.getEphemeralOwner());
        sync(b, root);
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        assertNotNull(b.exists(root + "/eph", events::add));
        b.getChildren(root, events::add);
        Stat before = b.exists(root, false);
        owner.close();
        WatchedEvent first = events.poll(10, TimeUnit.SECONDS);
        WatchedEvent second = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals(Watcher.Event.EventType.NodeDeleted, first.getType());
        assertEquals(Watcher.Event.EventType.NodeChildrenChanged, second.getType());
        Stat after = b.exists(root, false);
        assertEquals(before.getCversion() + 1, after.getCversion());
        assertTrue(after.getPzxid() > before.getPzxid());
    }

    @Test
    void aclsAreStoredAndReturned() throws Exception {
        String path = root + "/acl";
        a.create(path, NO_DATA, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        sync(b, path);
        Stat stat = new Stat();
        assertEquals(ZooDefs.Ids.READ_ACL_UNSAFE, b.getACL(path, stat));
        assertEquals(0, stat.getAversion());
        assertThrows(KeeperException.NoAuthException.class, () -> b.setData(path, NO_DATA, -1));
    }

    /** Digest authentication and ACLs are enforced as ZooKeeper enforces them, whichever server checks. */
    @Test
    void digestAuthenticationAndAclsAreEnforced() throws Exception {
        String path = root + "/secret";
        a.addAuthInfo("digest", bytes("alice:wonderland"));
        a.create(path, bytes("s"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        sync(b, path);
        assertThrows(KeeperException.NoAuthException.class, () -> b.getData(path, false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> b.setData(path, NO_DATA, -1));
        b.addAuthInfo("digest", bytes("bob:builder"));
        assertThrows(KeeperException.NoAuthException.class, () -> b.getData(path, false, null));
        ZooKeeper alice = client(1);
        alice.addAuthInfo("digest", bytes("alice:wonderland"));
        assertArrayEquals(bytes("s"), alice.getData(path, false, null));
        alice.setData(path, bytes("t"), 0);
        assertThrows(KeeperException.NoAuthException.class, () -> b.getACL(path, null)); // needs READ or ADMIN
        assertEquals(1, alice.getACL(path, null).size());
        assertEquals("digest", alice.getACL(path, null).get(0).getId().getScheme());
    }
}
