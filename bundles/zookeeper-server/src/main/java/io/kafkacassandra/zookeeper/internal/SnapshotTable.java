package io.kafkacassandra.zookeeper.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The statements of {@code zk_snapshots} and {@code zk_snapshot_chunks} (see {@code schema.cql}), and the deletion
 * of the log below a snapshot. All plain idempotent writes: a snapshot is visible only once its row is written,
 * after all its chunks, and two instances that snapshot the same position write the same state under two ids.
 */
public final class SnapshotTable {
    static final int CHUNK_BYTES = 512 * 1024;

    /** A snapshot's row: the state after {@code position}, whose last transaction is {@code lastZxid}. */
    record Snapshot(long position, UUID id, long lastZxid, int chunks, long bytes) {}

    private final CqlRunner cql;
    private final String service;
    private final PreparedStatement writeChunk;
    private final PreparedStatement writeRow;
    private final PreparedStatement newest;
    private final PreparedStatement readChunks;
    private final PreparedStatement deleteRow;
    private final PreparedStatement deleteChunks;
    private final PreparedStatement deleteBelow;

    public SnapshotTable(CqlRunner cql, CassandraSettings settings, String service) {
        this.cql = cql;
        this.service = service;
        String snapshots = settings.keyspace() + ".zk_snapshots";
        String chunks = settings.keyspace() + ".zk_snapshot_chunks";
        String log = settings.keyspace() + ".zk_log";
        CqlSession session = cql.session();
        try {
            writeChunk = session.prepare(
                    "INSERT INTO " + chunks + " (service, snapshot_id, chunk, data) VALUES (?, ?, ?, ?)");
            writeRow = session.prepare("INSERT INTO " + snapshots
                    + " (service, position, snapshot_id, last_zxid, chunks, bytes) VALUES (?, ?, ?, ?, ?, ?)");
            newest = session.prepare("SELECT position, snapshot_id, last_zxid, chunks, bytes FROM " + snapshots
                    + " WHERE service = ? LIMIT ?");
            readChunks = session.prepare("SELECT chunk, data FROM " + chunks
                    + " WHERE service = ? AND snapshot_id = ? AND chunk >= ?" + " LIMIT 8");
            deleteRow = session.prepare("DELETE FROM " + snapshots + " WHERE service = ? AND position = ?");
            deleteChunks = session.prepare("DELETE FROM " + chunks + " WHERE service = ? AND snapshot_id = ?");
            deleteBelow = session.prepare("DELETE FROM " + log + " WHERE service = ? AND bucket = ? AND position < ?");
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, snapshots, e);
        }
    }

    /** Writes the chunks, then the row that makes the snapshot visible. */
    void write(long position, long lastZxid, byte[] bytes) {
        UUID id = UUID.randomUUID();
        int chunks = 0;
        for (int from = 0; from < bytes.length || chunks == 0; from += CHUNK_BYTES, chunks++) {
            int to = Math.min(bytes.length, from + CHUNK_BYTES);
            cql.read(
                    writeChunk.bind(service, id, chunks, ByteBuffer.wrap(bytes, from, to - from)),
                    "write a snapshot of the ZooKeeper tree of " + service);
        }
        cql.read(
                writeRow.bind(service, position, id, lastZxid, chunks, (long) bytes.length),
                "write a snapshot of the ZooKeeper tree of " + service);
    }

    /** The newest snapshots, newest first. */
    List<Snapshot> newest(int limit) {
        List<Snapshot> found = new ArrayList<>();
        for (Row row :
                cql.read(newest.bind(service, limit), "read the snapshots of the ZooKeeper tree of " + service)) {
            found.add(new Snapshot(
                    row.getLong("position"),
                    row.getUuid("snapshot_id"),
                    row.getLong("last_zxid"),
                    row.getInt("chunks"),
                    row.getLong("bytes")));
        }
        return found;
    }

    /** A snapshot's bytes; fails if a chunk is missing. */
    byte[] read(Snapshot snapshot) {
        if (snapshot.bytes() < 0 || snapshot.bytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("snapshot " + snapshot + " says it has " + snapshot.bytes() + " bytes");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(64 << 20, snapshot.bytes()));
        int next = 0;
        while (next < snapshot.chunks()) {
            int before = next;
            for (Row row : cql.read(
                    readChunks.bind(service, snapshot.id(), next),
                    "read a snapshot of the ZooKeeper tree of " + service)) {
                if (row.getInt("chunk") != next) {
                    break;
                }
                ByteBuffer data = row.getByteBuffer("data");
                byte[] array = new byte[data.remaining()];
                data.get(array);
                bytes.writeBytes(array);
                next++;
            }
            if (next == before) {
                throw new IllegalStateException("chunk " + next + " of snapshot " + snapshot + " is missing");
            }
        }
        if (bytes.size() != snapshot.bytes()) {
            throw new IllegalStateException("snapshot " + snapshot + " has " + bytes.size() + " bytes");
        }
        return bytes.toByteArray();
    }

    void delete(Snapshot snapshot) {
        cql.read(deleteChunks.bind(service, snapshot.id()), "delete a snapshot of the ZooKeeper tree of " + service);
        cql.read(deleteRow.bind(service, snapshot.position()), "delete a snapshot of the ZooKeeper tree of " + service);
    }

    /**
     * Deletes the log's positions from {@code from} (inclusive) to {@code below} (exclusive): a range per partition,
     * which keeps the partition's {@code last_position}, so that no append can take a deleted position again.
     */
    void truncateLog(long from, long below) {
        String what = "truncate the ZooKeeper log of " + service;
        for (long bucket = from / TransactionLogTable.BUCKET;
                bucket <= (below - 1) / TransactionLogTable.BUCKET;
                bucket++) {
            long end = Math.min(below, (bucket + 1) * TransactionLogTable.BUCKET);
            cql.read(deleteBelow.bind(service, bucket, end), what); // one range tombstone
        }
    }
}
