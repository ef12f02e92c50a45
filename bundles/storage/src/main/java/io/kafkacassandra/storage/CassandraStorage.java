package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.CqlRunner;
import io.kafkacassandra.session.KeyPath;
import io.kafkacassandra.session.Resolution;
import io.kafkacassandra.session.Text;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.NoSuchKeyException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.apache.kafka.plugin.interfaces.VersionedStorage;

/**
 * KIP-30 {@link org.apache.kafka.plugin.interfaces.Storage} on Cassandra.
 *
 * <p>Every write is one lightweight transaction on one row, conditioned on the row's version, and every read is
 * SERIAL, so the storage is linearizable: a call that returned is seen by every call that starts after it.
 * {@code put} is create-only ({@code IF NOT EXISTS}, or re-creation of a deleted key conditioned on its version)
 * and {@code update} changes only a live key; neither can happen twice. A write whose outcome Cassandra could not
 * tell is settled by a SERIAL read of the write's id; if even that cannot tell, an
 * {@link org.apache.kafka.plugin.interfaces.OutcomeUnknownException} says so.
 *
 * <p>{@link #init(Object)} accepts {@code null} only: the instance is configured by its constructor. The session
 * is the caller's: {@link #close()} does not close it.
 */
public final class CassandraStorage implements VersionedStorage, AutoCloseable {
    /** Writes that lose to others this many times in a row give up, so that a call cannot spin for ever. */
    static final int MAX_ATTEMPTS = 64;

    private final CqlRunner cql;
    private final KvTable table;
    private final int maxValueBytes;
    private volatile boolean closed;

    public CassandraStorage(CqlSession session, CassandraSettings settings) {
        this.cql = new CqlRunner(session);
        this.table = new KvTable(session, settings);
        this.maxValueBytes = settings.maxValueBytes();
    }

    @Override
    public void init(Object context) {
        if (context != null) {
            throw new IllegalArgumentException("CassandraStorage is configured by its constructor;"
                    + " init takes no context, got " + context.getClass().getName());
        }
    }

    @Override
    public CompletableFuture<Optional<String>> fetch(String key) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        return cql.session().executeAsync(serialRead(path)).toCompletableFuture()
                .handle((rs, error) -> {
                    if (error != null) {
                        throw CqlRunner.unavailable("fetch " + key, error instanceof RuntimeException r
                                ? r : new StoreUnavailableException(error.toString(), error));
                    }
                    Row row = rs.one();
                    return row == null ? Optional.<String>empty() : Optional.ofNullable(row.getString("value"));
                });
    }

    @Override
    public Optional<Versioned> fetchVersioned(String key) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        return current(path, "fetch " + key).live();
    }

    @Override
    public void put(String key, String data) {
        KeyPath path = KeyPath.of(key);
        Text.value("data", data, maxValueBytes);
        checkOpen();
        String what = "put " + key;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            UUID id = UUID.randomUUID();
            CqlRunner.Attempt insert = cql.write(table.insertNew.bind(path.namespace(), path.name(), data, 1L, id), what);
            long previous;
            if (insert.answered()) {
                if (insert.result().wasApplied()) {
                    return;
                }
                Row existing = insert.result().one();
                if (existing.getString("value") != null) {
                    throw new KeyExistsException(key);
                }
                previous = existing.getLong("version");
            } else if (settle(what, insert.unknownCause(), path, 1L, id)) {
                return;
            } else {
                continue;
            }
            // The key was deleted: create it again with the next version, so that versions are never reused.
            id = UUID.randomUUID();
            CqlRunner.Attempt recreate = cql.write(table.setIfVersion.bind(data, previous + 1, id,
                    path.namespace(), path.name(), previous), what);
            if (recreate.answered() ? recreate.result().wasApplied()
                    : settle(what, recreate.unknownCause(), path, previous + 1, id)) {
                return;
            }
        }
        throw contention(what);
    }

    @Override
    public void update(String key, String data) {
        KeyPath path = KeyPath.of(key);
        Text.value("data", data, maxValueBytes);
        checkOpen();
        String what = "update " + key;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long version = current(path, what).live().orElseThrow(() -> new NoSuchKeyException(key)).version();
            if (setIfLive(what, path, version, data)) {
                return;
            }
        }
        throw contention(what);
    }

    @Override
    public Optional<Long> compareAndSet(String key, long expectedVersion, String data) {
        KeyPath path = KeyPath.of(key);
        Text.value("data", data, maxValueBytes);
        checkOpen();
        return setIfLive("compareAndSet " + key, path, expectedVersion, data)
                ? Optional.of(expectedVersion + 1) : Optional.empty();
    }

    @Override
    public boolean delete(String key) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        String what = "delete " + key;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned> live = current(path, what).live();
            if (live.isEmpty()) {
                return false;
            }
            if (deleteIfLive(what, path, live.get().version())) {
                return true;
            }
        }
        throw contention(what);
    }

    @Override
    public boolean compareAndDelete(String key, long expectedVersion) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        return deleteIfLive("compareAndDelete " + key, path, expectedVersion);
    }

    @Override
    public Set<String> children(String namespace) {
        KeyPath.namespace(namespace);
        checkOpen();
        ResultSet rows = cql.read(table.selectChildren.bind(namespace).setConsistencyLevel(ConsistencyLevel.SERIAL),
                "children of " + namespace);
        Set<String> names = new HashSet<>();
        for (Row row : rows) {
            if (!row.isNull(1)) { // a deleted key keeps its row, with no value
                names.add(row.getString(0));
            }
        }
        return Set.copyOf(names);
    }

    @Override
    public void close() {
        closed = true;
    }

    private boolean setIfLive(String what, KeyPath path, long version, String data) {
        UUID id = UUID.randomUUID();
        CqlRunner.Attempt attempt = cql.write(table.setIfLiveVersion.bind(data, version + 1, id,
                path.namespace(), path.name(), version), what);
        return attempt.answered() ? attempt.result().wasApplied()
                : settle(what, attempt.unknownCause(), path, version + 1, id);
    }

    private boolean deleteIfLive(String what, KeyPath path, long version) {
        UUID id = UUID.randomUUID();
        CqlRunner.Attempt attempt = cql.write(table.deleteIfLiveVersion.bind(version + 1, id,
                path.namespace(), path.name(), version), what);
        return attempt.answered() ? attempt.result().wasApplied()
                : settle(what, attempt.unknownCause(), path, version + 1, id);
    }

    /**
     * Whether a write meant to produce {@code version} with {@code id} took effect. Versions move one at a time
     * and only by conditional writes, so exactly one write can produce a given version: the row at that version
     * names it by its id. Past that version, the row no longer tells.
     */
    private boolean settle(String what, RuntimeException cause, KeyPath path, long version, UUID id) {
        return cql.resolve(what, cause, () -> {
            Current now = current(path, what);
            if (now.version < version) {
                return Resolution.NOT_APPLIED;
            }
            if (now.version == version) {
                return id.equals(now.writeId) ? Resolution.APPLIED : Resolution.NOT_APPLIED;
            }
            return Resolution.UNDECIDABLE;
        }) == Resolution.APPLIED;
    }

    /** A key's row as a linearizable read sees it; version 0 when it never existed. */
    private record Current(String value, long version, UUID writeId) {
        Optional<Versioned> live() {
            return value == null ? Optional.empty() : Optional.of(new Versioned(value, version));
        }
    }

    private Current current(KeyPath path, String what) {
        Row row = cql.read(serialRead(path), what).one();
        return row == null ? new Current(null, 0, null)
                : new Current(row.getString("value"), row.getLong("version"), row.getUuid("write_id"));
    }

    private Statement<?> serialRead(KeyPath path) {
        return table.selectRow.bind(path.namespace(), path.name()).setConsistencyLevel(ConsistencyLevel.SERIAL);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this storage client is closed");
        }
    }

    private static StoreUnavailableException contention(String what) {
        return new StoreUnavailableException(what + " lost to concurrent writers " + MAX_ATTEMPTS
                + " times in a row; nothing was changed by this call");
    }
}
