package io.kafkacassandra.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.zookeeper.internal.TransactionLogTable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of the tree in Cassandra: the log below them is deleted, and an instance started afterwards loads the
 * newest and builds exactly the tree of the others (same digest, stats, sessions), then goes on with them.
 */
class ZooKeeperSnapshotsTest extends InstancesOnCassandra {
    private static final Map<String, String> OFTEN = Map.of(ZooKeeperSettings.SNAP_COUNT, "40");

    private ZooKeeper client(ZooKeeperService instance) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(instance.connectString(), 4000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        opened.add(zk::close);
        assertTrue(connected.await(30, TimeUnit.SECONDS));
        return zk;
    }

    @Test
    void anInstanceStartedAfterTheLogWasTruncatedLoadsASnapshotAndServesTheSameTree() throws Exception {
        ZooKeeperService first = instance("snap", OFTEN);
        ZooKeeper zk = client(first);
        ZooKeeper owner = client(first);
        zk.create("/s", bytes("root"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        owner.create("/s/ephemeral", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.create("/s/read-only", bytes("r"), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 200; i++) {
            zk.create("/s/n-", bytes("v" + i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            if (i % 10 == 0) {
                zk.setData("/s", bytes("root" + i), -1);
            }
        }
        zk.delete("/s/n-0000000003", -1);

        // The writer of snapshots (the reaper) has deleted the log's first positions.
        TransactionLogTable log = new TransactionLogTable(
                new CqlRunner(session, new ServiceMonitor("ZooKeeper", "test")), settings, "snap");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!log.readAfter(0, 1).entries().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the log was never truncated below a snapshot");
            Thread.sleep(50);
        }

        assertTrue(log.isDeleted(1), "position 1 is not seen as deleted");
        assertFalse(log.isDeleted(10_000), "a position not written yet is seen as deleted");

        // A deleted position cannot be written again, by an instance that fell behind the truncation: neither the
        // log's first position nor one after it.
        for (long position : new long[] {1, 5}) {
            TransactionLogTable.Appended late = log.append(position, UUID.randomUUID(), 0, new byte[4]);
            assertTrue(late.answered() && late.truncated(), "position " + position + ": " + late);
        }

        ZooKeeperService late = instance("snap", OFTEN);
        assertEquals(first.lastZxid(), late.lastZxid());
        ZooKeeper reader = client(late);
        ZooKeeperConformance.sync(reader, "/s");
        assertSameTree(first, late);
        Stat stat = new Stat();
        assertArrayEquals(bytes("root190"), reader.getData("/s", false, stat));
        assertEquals(zk.exists("/s", false), stat);
        assertEquals(zk.getChildren("/s", false), reader.getChildren("/s", false));
        assertEquals(owner.getSessionId(), reader.exists("/s/ephemeral", false).getEphemeralOwner());
        assertEquals(ZooDefs.Ids.READ_ACL_UNSAFE, reader.getACL("/s/read-only", new Stat()));

        // Both go on together: a write through the new instance, and a session known only from the snapshot closed.
        reader.create("/s/after", bytes("a"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        owner.close();
        ZooKeeperConformance.sync(reader, "/s");
        assertNull(reader.exists("/s/ephemeral", false));
        ZooKeeperConformance.sync(zk, "/s");
        assertArrayEquals(bytes("a"), zk.getData("/s/after", false, null));
        assertSameTree(first, late);
    }

    /**
     * The snapshot writer's own clients write without pause, their positions handed over by the sequencer, not the
     * tail read: a due snapshot still stops the tree at its position (nothing is handed over meanwhile, even while
     * it waits), so snapshots are taken and the log is truncated while the writes go on.
     */
    @Test
    void snapshotsAreTakenWhileTheWritersOwnClientsWriteWithoutPause() throws Exception {
        ZooKeeperService only = instance("snap-busy", OFTEN);
        // a write lands between the choice of the snapshot's position and its wait, unless handing is held
        only.server().applier().beforeSnapshot = () -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ZooKeeper zk = client(only);
        TransactionLogTable log = new TransactionLogTable(
                new CqlRunner(session, new ServiceMonitor("ZooKeeper", "test")), settings, "snap-busy");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    zk.create("/w-", bytes("v"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                    written.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!log.readAfter(0, 1).entries().isEmpty()) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "no snapshot truncated the log while " + written.get() + " writes went on");
                assertTrue(writer.isAlive(), "the writer failed");
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
        assertTrue(written.get() > 80, "only " + written.get() + " writes");
    }

    /** Same transactions applied, same tree: ZooKeeper's digest of every node, and the sessions. */
    private static void assertSameTree(ZooKeeperService a, ZooKeeperService b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.lastZxid() != b.lastZxid() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(a.lastZxid(), b.lastZxid());
        assertEquals(
                a.server().getZKDatabase().getDataTree().getTreeDigest(),
                b.server().getZKDatabase().getDataTree().getTreeDigest());
        assertEquals(
                a.server().getZKDatabase().getSessionWithTimeOuts(),
                b.server().getZKDatabase().getSessionWithTimeOuts());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
