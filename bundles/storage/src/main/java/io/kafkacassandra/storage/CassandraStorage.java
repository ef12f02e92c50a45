package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.KeyPath;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.storage.internal.KvTable;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.plugin.interfaces.FencedOutException;
import org.apache.kafka.plugin.interfaces.FencedStorage;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.NoSuchKeyException;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.kafka.plugin.interfaces.Versioned;

/**
 * KIP-30 {@link org.apache.kafka.plugin.interfaces.Storage} on Cassandra.
 *
 * <p>Every write is one lightweight transaction on one row, conditioned on the row's version, and every read is
 * SERIAL, so the storage is linearizable: a call that returned is seen by every call that starts after it.
 * {@code put} is create-only ({@code IF NOT EXISTS}, or re-creation of a deleted key conditioned on its version)
 * and {@code update} changes only a live key; neither can happen twice. A write whose outcome Cassandra could not
 * tell is settled by the row's write id and version (see {@link WriteCall}); if even that cannot tell, an
 * {@link org.apache.kafka.plugin.interfaces.OutcomeUnknownException} says so.
 *
 * <p>Fenced writes ({@link FencedStorage}) add the fence of the namespace's partition (a static map column, service
 * to highest epoch) to the same lightweight transaction: they set it to their epoch on condition that it is not
 * above it, so the fence check and the write are one atomic step.
 *
 * <p>{@link #init(Object)} accepts {@code null} only: the instance is configured by its constructor. The session
 * is the caller's: {@link #close()} does not close it.
 */
public final class CassandraStorage implements FencedStorage, AutoCloseable {
    /** Writes that lose to others this many times in a row give up, so that a call cannot spin for ever. */
    static final int MAX_ATTEMPTS = 64;

    private final CqlRunner cql;
    private final KvTable table;
    private final int maxValueBytes;
    private final ServiceMonitor monitor;
    private final MarkerPurger purger;
    /** The last floor seen per namespace, so that a put tries the right creation first: a hint only. */
    private final Map<String, Long> floorHints = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    });

    private volatile boolean closed;

    public CassandraStorage(CqlSession session, CassandraSettings settings) {
        this(session, settings, new ServiceMonitor("Storage", "default"));
    }

    /** A storage whose calls and health are recorded in {@code monitor}, which may outlive it. */
    public CassandraStorage(CqlSession session, CassandraSettings settings, ServiceMonitor monitor) {
        this(session, settings, monitor, MarkerPurger.DEFAULT_RETENTION);
    }

    /** Tests: deletion markers are purged once older than {@code markerRetention}. */
    CassandraStorage(CqlSession session, CassandraSettings settings, ServiceMonitor monitor, Duration markerRetention) {
        this.monitor = monitor;
        this.cql = new CqlRunner(session, monitor);
        this.table = new KvTable(session, settings);
        this.maxValueBytes = settings.maxValueBytes();
        this.purger = new MarkerPurger(cql, table, markerRetention);
        monitor.connected(session);
    }

    /** Removes the namespace's deletion markers older than {@code retention} now (tests, operators' tools). */
    public int purgeDeletionMarkers(String namespace, Duration retention) {
        KeyPath.namespace(namespace);
        return new MarkerPurger(cql, table, retention).sweep(namespace);
    }

    public ServiceMonitor monitor() {
        return monitor;
    }

    @Override
    public void init(Object context) {
        Contexts.requireNone(context, this);
    }

    @Override
    public CompletableFuture<Optional<String>> fetch(String key) {
        return monitor.callAsync("fetch", () -> doFetch(key));
    }

    private CompletableFuture<Optional<String>> doFetch(String key) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        return cql.session()
                .executeAsync(serialRead(path))
                .toCompletableFuture()
                .handle((rs, error) -> {
                    if (error != null) {
                        throw CqlRunner.unavailable(
                                "fetch " + key,
                                error instanceof RuntimeException r
                                        ? r
                                        : new StoreUnavailableException(error.toString(), error));
                    }
                    Row row = rs.one();
                    return row == null ? Optional.<String>empty() : Optional.ofNullable(row.getString("value"));
                });
    }

    @Override
    public Optional<Versioned> fetchVersioned(String key) {
        return monitor.call("fetchVersioned", () -> doFetchVersioned(key));
    }

    private Optional<Versioned> doFetchVersioned(String key) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        return current(path, "fetch " + key).live();
    }

    @Override
    public void put(String key, String data) {
        monitor.run("put", () -> doPut(key, data, null));
    }

    @Override
    public void put(String key, String data, Leadership leadership) {
        monitor.run("put", () -> doPut(key, data, FencedWrite.of(leadership)));
    }

    private void doPut(String key, String data, FencedWrite fence) {
        KeyPath path = KeyPath.of(key);
        Text.value("data", data, maxValueBytes);
        checkOpen();
        WriteCall call = new WriteCall("put " + key, cql, false);
        // Not read: most puts create a new key, so try that first, above the floor last seen in the namespace
        // (an attempt with a floor that is no longer the namespace's is refused, and the read after it tells).
        Long floorHint = floorHints.get(path.namespace());
        Current current = floorHint == null ? null : new Current(null, floorHint, null, false);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (current != null) {
                if (call.isOwn(current.version, current.writeId, current.exists)) {
                    return;
                }
                if (current.value != null) {
                    throw new KeyExistsException(key);
                }
            }
            // An absent key is created above its namespace's floor (0 if none), a deleted one again with its next
            // version: versions are never reused, not even after the deletion marker was purged.
            long base = current == null ? 0 : current.version;
            long target = base + 1;
            long expected = base;
            Boolean applied = current == null || !current.exists
                    ? attempt(
                            call,
                            fence,
                            path,
                            target,
                            id -> base == 0
                                    ? table.create[0].bind(data, target, id, path.namespace(), path.name())
                                    : table.create[1].bind(data, target, id, path.namespace(), path.name(), base),
                            base == 0 ? KvTable.FencedForm.CREATE : KvTable.FencedForm.CREATE_ABOVE_FLOOR,
                            id -> new Object[] {data, target, id},
                            base == 0 ? new Object[0] : new Object[] {base})
                    : setIfAt(call, fence, path, data, expected, table.setIfVersion, KvTable.FencedForm.SET_IF_VERSION);
            if (Boolean.TRUE.equals(applied)) {
                return;
            }
            current = read(path, call);
        }
        throw call.exhausted(MAX_ATTEMPTS);
    }

    @Override
    public void update(String key, String data) {
        monitor.run("update", () -> doUpdate(key, data, null));
    }

    @Override
    public void update(String key, String data, Leadership leadership) {
        monitor.run("update", () -> doUpdate(key, data, FencedWrite.of(leadership)));
    }

    private void doUpdate(String key, String data, FencedWrite fence) {
        KeyPath path = KeyPath.of(key);
        Text.value("data", data, maxValueBytes);
        checkOpen();
        WriteCall call = new WriteCall("update " + key, cql, false);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Current current = read(path, call);
            if (call.isOwn(current.version, current.writeId, current.exists)) {
                return;
            }
            if (current.value == null) {
                throw new NoSuchKeyException(key);
            }
            if (Boolean.TRUE.equals(setIfAt(
                    call,
                    fence,
                    path,
                    data,
                    current.version,
                    table.setIfLiveVersion,
                    KvTable.FencedForm.SET_IF_LIVE_VERSION))) {
                return;
            }
        }
        throw call.exhausted(MAX_ATTEMPTS);
    }

    @Override
    public Optional<Long> compareAndSet(String key, long expectedVersion, String data) {
        return monitor.call("compareAndSet", () -> doCompareAndSet(key, expectedVersion, data, null));
    }

    @Override
    public Optional<Long> compareAndSet(String key, long expectedVersion, String data, Leadership leadership) {
        return monitor.call(
                "compareAndSet", () -> doCompareAndSet(key, expectedVersion, data, FencedWrite.of(leadership)));
    }

    private Optional<Long> doCompareAndSet(String key, long expectedVersion, String data, FencedWrite fence) {
        KeyPath path = KeyPath.of(key);
        Text.value("data", data, maxValueBytes);
        checkOpen();
        WriteCall call = new WriteCall("compareAndSet " + key, cql, false);
        boolean done = conditional(
                path,
                call,
                expectedVersion,
                () -> setIfAt(
                        call,
                        fence,
                        path,
                        data,
                        expectedVersion,
                        table.setIfLiveVersion,
                        KvTable.FencedForm.SET_IF_LIVE_VERSION));
        return done ? Optional.of(expectedVersion + 1) : Optional.empty();
    }

    /**
     * One attempt to set a key's value if it is at {@code expected}, to version {@code expected + 1}, with
     * {@code statement} ({@code setIfVersion}: a deleted key's marker too; {@code setIfLiveVersion}: live keys only)
     * and its fenced form.
     */
    private Boolean setIfAt(
            WriteCall call,
            FencedWrite fence,
            KeyPath path,
            String data,
            long expected,
            com.datastax.oss.driver.api.core.cql.PreparedStatement statement,
            KvTable.FencedForm form) {
        long target = expected + 1;
        return attempt(
                call,
                fence,
                path,
                target,
                id -> statement.bind(data, target, id, path.namespace(), path.name(), expected),
                form,
                id -> new Object[] {data, target, id},
                new Object[] {expected});
    }

    @Override
    public boolean delete(String key) {
        return monitor.call("delete", () -> swept(key, doDelete(key, null)));
    }

    @Override
    public boolean delete(String key, Leadership leadership) {
        return monitor.call("delete", () -> swept(key, doDelete(key, FencedWrite.of(leadership))));
    }

    /** After a delete, the namespace's old deletion markers are swept in the background. */
    private boolean swept(String key, boolean deleted) {
        if (deleted) {
            purger.deleted(KeyPath.of(key).namespace());
        }
        return deleted;
    }

    private boolean doDelete(String key, FencedWrite fence) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        WriteCall call = new WriteCall("delete " + key, cql, true);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Current current = read(path, call);
            if (call.isOwn(current.version, current.writeId, current.exists)) {
                return true;
            }
            if (current.value == null) {
                return false;
            }
            long target = current.version + 1;
            long expected = current.version;
            if (Boolean.TRUE.equals(attempt(
                    call,
                    fence,
                    path,
                    target,
                    id -> table.deleteIfLiveVersion.bind(target, id, path.namespace(), path.name(), expected),
                    KvTable.FencedForm.DELETE_IF_LIVE_VERSION,
                    id -> new Object[] {target, id},
                    new Object[] {expected}))) {
                return true;
            }
        }
        throw call.exhausted(MAX_ATTEMPTS);
    }

    @Override
    public boolean compareAndDelete(String key, long expectedVersion) {
        return monitor.call("compareAndDelete", () -> swept(key, doCompareAndDelete(key, expectedVersion, null)));
    }

    @Override
    public boolean compareAndDelete(String key, long expectedVersion, Leadership leadership) {
        return monitor.call(
                "compareAndDelete",
                () -> swept(key, doCompareAndDelete(key, expectedVersion, FencedWrite.of(leadership))));
    }

    private boolean doCompareAndDelete(String key, long expectedVersion, FencedWrite fence) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        WriteCall call = new WriteCall("compareAndDelete " + key, cql, true);
        long target = expectedVersion + 1;
        return conditional(
                path,
                call,
                expectedVersion,
                () -> attempt(
                        call,
                        fence,
                        path,
                        target,
                        id -> table.deleteIfLiveVersion.bind(
                                target, id, path.namespace(), path.name(), expectedVersion),
                        KvTable.FencedForm.DELETE_IF_LIVE_VERSION,
                        id -> new Object[] {target, id},
                        new Object[] {expectedVersion}));
    }

    @Override
    public void fence(String namespace, Leadership leadership) {
        monitor.run("fence", () -> doFence(namespace, FencedWrite.of(leadership)));
    }

    /**
     * Raises the fence alone. Raising it is idempotent (the fence only moves up), so an unknown outcome is
     * settled by reading the fence and, if it is still below the epoch, trying again.
     */
    private void doFence(String namespace, FencedWrite fence) {
        KeyPath.namespace(namespace);
        checkOpen();
        String what = "fence " + namespace + " with epoch " + fence.leadership().epoch() + " of "
                + fence.leadership().service();
        RuntimeException unknown = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Statement<?> raise =
                    fence.statement(table, KvTable.FencedForm.FENCE, namespace, null, new Object[0], new Object[0]);
            CqlRunner.Attempt result;
            try {
                result = cql.write(raise, what);
            } catch (StoreUnavailableException e) {
                if (unknown == null) {
                    throw e;
                }
                throw new OutcomeUnknownException(what + ": " + e.getMessage(), unknown);
            }
            if (result.answered() && result.result().wasApplied()) {
                return;
            }
            Row state;
            if (result.answered()) {
                state = result.result().one();
            } else {
                unknown = result.unknownCause();
                try {
                    state = cql.read(
                                    table.selectStatic.bind(namespace).setConsistencyLevel(ConsistencyLevel.SERIAL),
                                    what)
                            .one();
                } catch (StoreUnavailableException e) {
                    throw new OutcomeUnknownException(what + ": " + e.getMessage(), unknown);
                }
                Long now = fence.fenceIn(state);
                if (now != null && now == fence.leadership().epoch()) {
                    return; // raised, by this call or an earlier one of the same leadership
                }
            }
            if (fence.judge(state) == FencedWrite.Refusal.BY_NEWER_EPOCH) {
                throw new FencedOutException(what, fence.leadership(), fence.newerEpoch());
            }
        }
        String why = what + " did not settle after " + MAX_ATTEMPTS + " attempts";
        throw unknown == null ? new StoreUnavailableException(why) : new OutcomeUnknownException(why, unknown);
    }

    /**
     * One write of a call, unfenced ({@code fence} null) or fenced. A fenced attempt refused because it used the
     * wrong form of the fence condition is made again in the right one; one refused by a newer epoch ends the call
     * with {@link FencedOutException}, unless an earlier unknown attempt of the call turns out to have landed.
     *
     * @return whether the key's condition let it apply, or null if its outcome is unknown
     */
    private Boolean attempt(
            WriteCall call,
            FencedWrite fence,
            KeyPath path,
            long target,
            Function<UUID, Statement<?>> unfenced,
            KvTable.FencedForm form,
            Function<UUID, Object[]> setValues,
            Object[] conditionValues) {
        for (int round = 0; ; round++) {
            UUID id = call.newId();
            if (fence == null) {
                return call.write(unfenced.apply(id), target, id);
            }
            Boolean applied = call.write(
                    fence.statement(table, form, path.namespace(), path.name(), setValues.apply(id), conditionValues),
                    target,
                    id);
            if (!Boolean.FALSE.equals(applied)) {
                return applied;
            }
            FencedWrite.Refusal refusal = fence.judge(call.refusal());
            if (refusal == FencedWrite.Refusal.BY_KEY || refusal == FencedWrite.Refusal.WRONG_FORM && round >= 3) {
                return false; // the caller reads the key and decides
            }
            if (refusal == FencedWrite.Refusal.BY_NEWER_EPOCH) {
                // An earlier attempt of this call may have landed before the newer fence did; none can after.
                if (call.hasPending()) {
                    Current current = read(path, call);
                    if (call.isOwn(current.version, current.writeId, current.exists)) {
                        return true;
                    }
                }
                throw new FencedOutException(call.what(), fence.leadership(), fence.newerEpoch());
            }
        }
    }

    /**
     * A write conditioned on the caller's version: tried until an attempt is answered or the state shows what
     * became of it. A refused condition is final, since versions never come back.
     */
    private boolean conditional(KeyPath path, WriteCall call, long expected, Supplier<Boolean> write) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Boolean applied = write.get();
            if (Boolean.TRUE.equals(applied)) {
                return true;
            }
            Current current = read(path, call);
            if (call.isOwn(current.version, current.writeId, current.exists)) {
                return true;
            }
            if (applied != null || current.version != expected || current.value == null) {
                return false;
            }
            // Unknown, and the key is still at the expected version: try again under the same condition.
        }
        throw call.exhausted(MAX_ATTEMPTS);
    }

    @Override
    public Set<String> children(String namespace) {
        return monitor.call("children", () -> doChildren(namespace));
    }

    private Set<String> doChildren(String namespace) {
        KeyPath.namespace(namespace);
        checkOpen();
        ResultSet rows = cql.read(
                table.selectChildren.bind(namespace).setConsistencyLevel(ConsistencyLevel.SERIAL),
                "children of " + namespace);
        Set<String> names = new HashSet<>();
        for (Row row : rows) {
            if (!row.isNull(0) && !row.isNull(1)) { // a deleted key keeps its row, with no value; a fence has no name
                names.add(row.getString(0));
            }
        }
        return Set.copyOf(names);
    }

    @Override
    public void close() {
        closed = true;
        purger.close();
    }

    /**
     * A key's row as a linearizable read sees it. A key without a row (never created, or its deletion marker
     * purged) is at its namespace's floor: the highest version any purged marker there had, 0 if none.
     */
    private record Current(String value, long version, UUID writeId, boolean exists) {
        Optional<Versioned> live() {
            return value == null ? Optional.empty() : Optional.of(new Versioned(value, version));
        }
    }

    /** The key's state for a write: an absent key's version is its namespace's floor. */
    private Current read(KeyPath path, WriteCall call) {
        try {
            Current current = current(path, call.what());
            if (current.exists) {
                return current;
            }
            Row statics = cql.read(
                            table.selectStatic.bind(path.namespace()).setConsistencyLevel(ConsistencyLevel.SERIAL),
                            call.what())
                    .one();
            long floor = statics == null || statics.isNull("floor") ? 0 : statics.getLong("floor");
            if (floor > 0) {
                floorHints.put(path.namespace(), floor);
            }
            return new Current(null, floor, null, false);
        } catch (StoreUnavailableException e) {
            throw call.unknownOr(e);
        }
    }

    private Current current(KeyPath path, String what) {
        Row row = cql.read(serialRead(path), what).one();
        return row == null
                ? new Current(null, 0, null, false)
                : new Current(row.getString("value"), row.getLong("version"), row.getUuid("write_id"), true);
    }

    private Statement<?> serialRead(KeyPath path) {
        return CqlRunner.asRead(
                table.selectRow.bind(path.namespace(), path.name()).setConsistencyLevel(ConsistencyLevel.SERIAL));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this storage client is closed");
        }
    }
}
