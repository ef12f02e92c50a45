package io.kafkacassandra.zookeeper.internal;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The statements of {@code zk_log} (see {@code schema.cql}): a service's transaction log, one batch of ZooKeeper
 * transactions per position, each position written once by a lightweight transaction. Positions start at 1 and
 * are grouped by {@link #BUCKET} per partition, so that reading the tail is one single-partition read.
 *
 * <p>A partition's static {@code last_position} is the last position written in it. Position p + 1 is written only
 * if it is empty and {@code last_position} is p (null for a bucket's first position): a position deleted below a
 * snapshot ({@link SnapshotTable#truncateLog}, which keeps the static cell) can never be written again by an
 * instance that fell behind, which would otherwise see "not exists" on the deleted row.
 */
public final class TransactionLogTable {
    static final long BUCKET = 4096;

    /** One position of the log as read. */
    public record Entry(long position, UUID batch, long lastZxid, ByteBuffer entry) {}

    /**
     * Consecutive entries read from the tail, and whether a later position was found where the next one was expected
     * (a position deleted below a snapshot, or, rarely, one not yet visible to this read; {@link #isDeleted} tells).
     */
    public record Tail(List<Entry> entries, boolean gap) {}

    /**
     * The outcome of an append: applied (ours), or the batch that holds the position (ours after a retry, or
     * theirs), or the position was deleted below a snapshot ({@code truncated}).
     */
    public record Appended(boolean answered, UUID holder, boolean truncated, RuntimeException unknownCause) {}

    private final CqlRunner cql;
    private final String service;
    private final PreparedStatement append;
    private final PreparedStatement readAfter;
    private final PreparedStatement readLastPosition;
    private final PreparedStatement readPosition;

    public TransactionLogTable(CqlRunner cql, CassandraSettings settings, String service) {
        this.cql = cql;
        this.service = service;
        String table = settings.keyspace() + ".zk_log";
        CqlSession session = cql.session();
        try {
            append = session.prepare(
                    "UPDATE " + table + " SET batch_id = ?, last_zxid = ?, entry = ?, last_position = ?"
                            + " WHERE service = ? AND bucket = ? AND position = ? IF batch_id = null AND last_position = ?");
            readAfter = session.prepare("SELECT position, batch_id, last_zxid, entry FROM " + table
                    + " WHERE service = ? AND bucket = ? AND position > ? LIMIT ?");
            readLastPosition =
                    session.prepare("SELECT last_position FROM " + table + " WHERE service = ? AND bucket = ? LIMIT 1");
            readPosition = session.prepare(
                    "SELECT batch_id FROM " + table + " WHERE service = ? AND bucket = ? AND position = ?");
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, table, e);
        }
    }

    /**
     * Writes {@code batch} at {@code position} if nothing is there. Applied or not, the answer names the batch that
     * holds the position; without an answer the caller sends the same batch again, which is idempotent.
     */
    public Appended append(long position, UUID batch, long lastZxid, byte[] entry) {
        long bucket = position / BUCKET;
        // null: the log's or a bucket's first position, where nothing was written before in the partition
        Long previous = position > 1 && (position - 1) / BUCKET == bucket ? position - 1 : null;
        CqlRunner.Attempt attempt = cql.write(
                append.bind(batch, lastZxid, ByteBuffer.wrap(entry), position, service, bucket, position, previous),
                "append position " + position + " of the ZooKeeper log of " + service);
        if (!attempt.answered()) {
            return new Appended(false, null, false, attempt.unknownCause());
        }
        if (attempt.result().wasApplied()) { // before one(): the driver answers it only before rows are read
            return new Appended(true, batch, false, null);
        }
        Row current = attempt.result().one();
        // Cassandra answers the condition's columns, or none if the partition holds nothing live at all
        UUID holder = current != null && current.getColumnDefinitions().contains("batch_id")
                ? current.getUuid("batch_id")
                : null;
        // empty, yet the partition has gone past it (or is gone): deleted below a snapshot
        return new Appended(true, holder, holder == null, null);
    }

    /** Up to {@code limit} consecutive entries after {@code position}, in order (a quorum read). */
    public Tail readAfter(long position, int limit) {
        List<Entry> entries = new ArrayList<>();
        long next = position + 1;
        while (entries.size() < limit) {
            long bucket = next / BUCKET;
            int before = entries.size();
            for (Row row : cql.read(
                    readAfter.bind(service, bucket, next - 1, limit - entries.size()),
                    "read the ZooKeeper log of " + service)) {
                long p = row.getLong("position");
                if (p != next) {
                    return new Tail(entries, true);
                }
                entries.add(
                        new Entry(p, row.getUuid("batch_id"), row.getLong("last_zxid"), row.getByteBuffer("entry")));
                next++;
            }
            if (entries.size() == before || next / BUCKET == bucket) {
                return new Tail(entries, false); // nothing more in this bucket, or the limit was reached within it
            }
        }
        return new Tail(entries, false);
    }

    /**
     * Whether {@code position} was written and then deleted below a snapshot: its partition was written past it
     * (the static {@code last_position}), and a linearizable read does not find it. Positions are written one after
     * another, each only once its predecessor is, so a missing position below the last one was deleted.
     */
    public boolean isDeleted(long position) {
        long bucket = position / BUCKET;
        String what = "check the ZooKeeper log of " + service;
        Row last = cql.read(readLastPosition.bind(service, bucket), what).one();
        if (last == null || last.isNull("last_position") || last.getLong("last_position") < position) {
            return false;
        }
        return cql.read(readPosition.bind(service, bucket, position).setConsistencyLevel(ConsistencyLevel.SERIAL), what)
                        .one()
                == null;
    }
}
