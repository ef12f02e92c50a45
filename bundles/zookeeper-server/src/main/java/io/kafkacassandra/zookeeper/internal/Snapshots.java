package io.kafkacassandra.zookeeper.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.util.SerializeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the tree in Cassandra, so that a starting instance loads the newest and replays only the log after
 * it, and the log does not grow for ever. A snapshot is the state after a position, taken on the applier's thread
 * while everything handed over is applied and nothing else is (ZooKeeper's own serialization of the tree and the
 * sessions, gzip-compressed), and written by a thread of its own. One instance writes them, the reaper, every
 * {@code snapCount} transactions; after writing one it deletes the log below an older one (see {@link #truncate}),
 * so that an instance that has not yet read up to the newest snapshot still finds the log it needs. An instance
 * that falls further behind cannot append to the deleted part ({@link TransactionLogTable}): it stops.
 */
public final class Snapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private static final int FORMAT = 1; // this encoding: a version, then ZooKeeper's sessions and tree
    private static final int KEPT = 2;

    private final SnapshotTable table;
    private final long snapCount;
    private final BooleanSupplier writer;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kafka-cassandra-zookeeper-snapshots");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastZxid; // of the newest snapshot known here
    private long truncatedBelow = 1; // on the writing thread: where this instance's last truncation ended

    /** @param writer whether this instance is the one that writes snapshots now */
    public Snapshots(SnapshotTable table, long snapCount, BooleanSupplier writer) {
        this.table = table;
        this.snapCount = snapCount;
        this.writer = writer;
    }

    /**
     * Loads the newest snapshot that can be read into {@code db} (empty, before the server starts) and returns the
     * position it is the state after, with its zxid; (0, 0) if there is none.
     */
    LogApplier.Handed restore(ZKDatabase db) {
        List<SnapshotTable.Snapshot> newest = table.newest(KEPT);
        for (SnapshotTable.Snapshot s : newest) {
            try {
                db.clear();
                load(table.read(s), db);
                db.getDataTree().lastProcessedZxid = s.lastZxid();
                lastZxid = s.lastZxid();
                LOG.info(
                        "loaded the snapshot after position {} (zxid 0x{}, {} bytes, {} sessions, {} znodes)",
                        s.position(),
                        Long.toHexString(s.lastZxid()),
                        s.bytes(),
                        db.getSessionWithTimeOuts().size(),
                        db.getDataTree().getNodeCount());
                return new LogApplier.Handed(s.position(), s.lastZxid());
            } catch (IOException | RuntimeException e) {
                if (e instanceof StoreUnavailableException unavailable) {
                    throw unavailable; // not a damaged snapshot: the start fails, to be tried again
                }
                LOG.warn("cannot load the snapshot after position {}; trying an older one", s.position(), e);
            }
        }
        db.clear();
        if (!newest.isEmpty()) {
            // the log below them may be gone: starting from an empty tree would serve a wrong one
            throw new IllegalStateException("none of the newest snapshots " + newest + " can be loaded");
        }
        return new LogApplier.Handed(0, 0);
    }

    /**
     * Whether this instance should take a snapshot of the state after {@code at}: it is the writer, and the newest
     * snapshot (its own or, read from Cassandra when it seems due, another writer's) is {@code snapCount}
     * transactions old.
     */
    boolean isDue(LogApplier.Handed at) {
        if (at.zxid() - lastZxid < snapCount || writing.get() || !writer.getAsBoolean()) {
            return false;
        }
        List<SnapshotTable.Snapshot> newest = table.newest(1); // a writer before this one may have taken one
        if (!newest.isEmpty() && newest.get(0).lastZxid() > lastZxid) {
            lastZxid = newest.get(0).lastZxid();
        }
        return at.zxid() - lastZxid >= snapCount;
    }

    /**
     * On the applier's thread, with everything handed over applied and nothing else: serializes the state after
     * {@code at} and has it written, if this instance is still the writer by then.
     */
    void take(ZKDatabase db, LogApplier.Handed at) {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = save(db);
        } catch (RuntimeException e) {
            writing.set(false);
            throw e;
        }
        try {
            io.execute(() -> write(at, bytes));
        } catch (RejectedExecutionException closing) {
            writing.set(false);
        }
    }

    /** On the writing thread: the snapshot, if this instance is still the writer, then the truncation. */
    private void write(LogApplier.Handed at, byte[] bytes) {
        try {
            if (!writer.getAsBoolean()) {
                return;
            }
            table.write(at.position(), at.zxid(), bytes);
            lastZxid = at.zxid();
            LOG.info("wrote a snapshot after position {} ({} bytes)", at.position(), bytes.length);
            if (writer.getAsBoolean()) {
                truncate();
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot write a snapshot after position {}; the next one is due as before", at.position(), e);
        } finally {
            writing.set(false);
        }
    }

    /**
     * Deletes the log below the newest snapshot that is at least half an interval older than the newest one (two
     * writers in turn may have taken two close together), and the snapshots older than that one. An instance
     * half an interval behind the newest snapshot still finds the log it needs.
     */
    private void truncate() {
        List<SnapshotTable.Snapshot> newest = table.newest(10);
        if (newest.isEmpty()) {
            return;
        }
        long oldEnough = newest.get(0).lastZxid() - snapCount / 2;
        int keep = 1;
        while (keep < newest.size() && newest.get(keep).lastZxid() > oldEnough) {
            keep++;
        }
        if (keep == newest.size()) {
            return;
        }
        List<SnapshotTable.Snapshot> older = newest.subList(keep + 1, newest.size());
        // from where the last truncation here ended, else the oldest snapshot deleted now (the log below it went
        // before it), else the log's start (a writer's first truncation with no older snapshot left)
        long from = Math.max(
                truncatedBelow,
                older.isEmpty() ? 1 : older.get(older.size() - 1).position());
        long below = newest.get(keep).position() + 1;
        if (from < below) {
            table.truncateLog(from, below);
            truncatedBelow = below;
        }
        older.forEach(table::delete);
    }

    static byte[] save(ZKDatabase db) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes, 64 * 1024))) {
            out.writeInt(FORMAT);
            SerializeUtils.serializeSnapshot(
                    db.getDataTree(), BinaryOutputArchive.getArchive(out), db.getSessionWithTimeOuts());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the ZooKeeper tree", e);
        }
        return bytes.toByteArray();
    }

    static void load(byte[] bytes, ZKDatabase db) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("snapshot format " + format + " is not " + FORMAT);
            }
            SerializeUtils.deserializeSnapshot(
                    db.getDataTree(), BinaryInputArchive.getArchive(in), db.getSessionWithTimeOuts());
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
    }
}
