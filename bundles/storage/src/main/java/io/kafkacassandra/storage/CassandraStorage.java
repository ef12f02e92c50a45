package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.ChangeFeed;
import io.kafkacassandra.session.internal.Contexts;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.KeyPath;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.storage.internal.KvTable;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongFunction;
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
 * {@code put} is create-only (conditioned on the row's absence and the namespace's floor, or re-creation of a
 * deleted key conditioned on its marker's version)
 * and {@code update} changes only a live key; neither can happen twice. A write whose outcome Cassandra could not
 * tell is settled by the row's write id and version (see {@link WriteCall}); if even that cannot tell, an
 * {@link org.apache.kafka.plugin.interfaces.OutcomeUnknownException} says so.
 *
 * <p>A write costs one Paxos round when nothing races it: it is conditioned on the version this client last saw
 * of the key ({@link VersionHints}) instead of on a read made first, and a refused condition returns the key's
 * current state (every condition names {@code version} and {@code value}), which the next attempt is conditioned
 * on. A call reads the row first only when it knows nothing of the key (update, delete), and after a refusal only
 * when the refusal does not say enough (no row, and no floor returned) or an attempt's outcome is unknown (for the
 * row's write id).
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
    private final VersionHints hints = new VersionHints();
    private final ChangeFeed feed;

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
        this.feed = new ChangeFeed(session, settings);
        monitor.connected(session);
    }

    /** Tells the watchers of {@code path}'s namespace (in any process) that it changed. */
    private Runnable announcer(KeyPath path) {
        String topic = ChangeFeed.namespaceTopic(path.namespace());
        return () -> feed.announce(topic);
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
                    if (row == null) {
                        return Optional.<String>empty();
                    }
                    Current current = new Current(row.getString("value"), row.getLong("version"), null, true);
                    saw(path, current);
                    return Optional.ofNullable(current.value);
                });
    }

    @Override
    public Optional<Versioned> fetchVersioned(String key) {
        return monitor.call("fetchVersioned", () -> doFetchVersioned(key));
    }

    private Optional<Versioned> doFetchVersioned(String key) {
        KeyPath path = KeyPath.of(key);
        checkOpen();
        Current current = current(path, "fetch " + key);
        if (current.exists) {
            saw(path, current);
        }
        return current.live();
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
        WriteCall call = new WriteCall("put " + key, cql, false, announcer(path));
        // Not read first. A key this client saw is re-created above the version it saw, on condition that this
        // is a deletion marker's; any other is created above the floor last seen in its namespace (0 if none):
        // versions are never reused, not even after a deletion marker was purged. A wrong guess is refused, and
        // the refusal tells the state.
        Long seen = hints.version(path);
        Long floor = hints.floor(path.namespace());
        boolean hasRow = seen != null;
        long base = hasRow ? seen : floor == null ? 0 : floor;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long target = base + 1;
            long expected = base;
            Boolean applied = hasRow
                    ? setIfAt(
                            call,
                            fence,
                            path,
                            data,
                            expected,
                            table.recreateIfDeletedVersion,
                            KvTable.FencedForm.RECREATE_IF_DELETED_VERSION)
                    : attempt(
                            call,
                            fence,
                            path,
                            target,
                            id -> expected == 0
                                    ? table.create[0].bind(data, target, id, path.namespace(), path.name())
                                    : table.create[1].bind(data, target, id, path.namespace(), path.name(), expected),
                            expected == 0 ? KvTable.FencedForm.CREATE : KvTable.FencedForm.CREATE_ABOVE_FLOOR,
                            id -> new Object[] {data, target, id},
                            expected == 0 ? new Object[0] : new Object[] {expected});
            if (Boolean.TRUE.equals(applied)) {
                return;
            }
            Current current = afterRefusal(path, call);
            if (call.isOwn(current.version, current.writeId, current.exists)) {
                return;
            }
            if (current.value != null) {
                throw new KeyExistsException(key);
            }
            hasRow = current.exists;
            base = current.version;
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
        WriteCall call = new WriteCall("update " + key, cql, false, announcer(path));
        boolean updated = onLiveKey(
                path,
                call,
                expected -> setIfAt(
                        call,
                        fence,
                        path,
                        data,
                        expected,
                        table.setIfLiveVersion,
                        KvTable.FencedForm.SET_IF_LIVE_VERSION));
        if (!updated) {
            throw new NoSuchKeyException(key);
        }
    }

    /**
     * Writes a live key with {@code attemptAt} (one attempt conditioned on the key being live at the version it is
     * given): first at the version this client last saw, if any, else at the version a read shows; after a refusal,
     * at the version the refusal returned.
     *
     * @return true once an attempt of the call took effect, false if the key is not live (this call changed nothing)
     */
    private boolean onLiveKey(KeyPath path, WriteCall call, LongFunction<Boolean> attemptAt) {
        Long seen = hints.version(path);
        long expected = seen != null ? seen : -1;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (expected < 0 || attempt > 0) {
                Current current = attempt == 0 ? read(path, call) : afterRefusal(path, call);
                if (call.isOwn(current.version, current.writeId, current.exists)) {
                    return true;
                }
                if (current.value == null) {
                    return false;
                }
                expected = current.version;
            }
            if (Boolean.TRUE.equals(attemptAt.apply(expected))) {
                return true;
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
        WriteCall call = new WriteCall("compareAndSet " + key, cql, false, announcer(path));
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
     * {@code statement} ({@code recreateIfDeletedVersion}: a deleted key's marker; {@code setIfLiveVersion}: a live
     * key) and its fenced form.
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
        WriteCall call = new WriteCall("delete " + key, cql, true, announcer(path));
        return onLiveKey(path, call, expected -> deleteIfAt(call, fence, path, expected));
    }

    /** One attempt to delete the key if it is live at {@code expected}, leaving its marker at the next version. */
    private Boolean deleteIfAt(WriteCall call, FencedWrite fence, KeyPath path, long expected) {
        long target = expected + 1;
        return attempt(
                call,
                fence,
                path,
                target,
                id -> table.deleteIfLiveVersion.bind(target, id, path.namespace(), path.name(), expected),
                KvTable.FencedForm.DELETE_IF_LIVE_VERSION,
                id -> new Object[] {target, id},
                new Object[] {expected});
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
        WriteCall call = new WriteCall("compareAndDelete " + key, cql, true, announcer(path));
        return conditional(path, call, expectedVersion, () -> deleteIfAt(call, fence, path, expectedVersion));
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
            Boolean applied = call.write(
                    fence == null
                            ? unfenced.apply(id)
                            : fence.statement(
                                    table, form, path.namespace(), path.name(), setValues.apply(id), conditionValues),
                    target,
                    id);
            if (Boolean.TRUE.equals(applied)) {
                hints.sawRow(path, target);
            }
            if (fence == null || !Boolean.FALSE.equals(applied)) {
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
            if (Boolean.FALSE.equals(applied) && !call.hasPending()) {
                return false; // refused, and no earlier attempt of the call can have landed: nothing to read
            }
            Current current = afterRefusal(path, call);
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
     * A key's row as a linearizable read or a refused condition saw it (the latter without write id). A key without
     * a row (never created, or its deletion marker purged) is at its namespace's floor: at least the highest version
     * any purged marker there had, 0 if none.
     */
    private record Current(String value, long version, UUID writeId, boolean exists) {
        Optional<Versioned> live() {
            return value == null ? Optional.empty() : Optional.of(new Versioned(value, version));
        }

        /**
         * The state a refused condition returned, without write id; null if it does not say enough: a refusal
         * returns the columns of its condition, none when the partition does not exist, and no floor unless the
         * condition named it.
         */
        static Current refusedBy(Row refusal) {
            if (refusal == null) {
                return null;
            }
            ColumnDefinitions columns = refusal.getColumnDefinitions();
            if (!columns.contains("version") || !columns.contains("value")) {
                return null;
            }
            if (!refusal.isNull("version")) {
                return new Current(refusal.getString("value"), refusal.getLong("version"), null, true);
            }
            if (!columns.contains("floor")) {
                return null;
            }
            return new Current(null, refusal.isNull("floor") ? 0 : refusal.getLong("floor"), null, false);
        }
    }

    /**
     * The key's state after an attempt that did not apply: what its refusal returned, when no attempt of the call
     * is pending (the state then cannot hold one of the call's own writes, so its write id is not needed) and the
     * refusal says enough; a linearizable read otherwise.
     */
    private Current afterRefusal(KeyPath path, WriteCall call) {
        Current refused = call.hasPending() ? null : Current.refusedBy(call.refusal());
        if (refused == null) {
            return read(path, call);
        }
        saw(path, refused);
        return refused;
    }

    private void saw(KeyPath path, Current current) {
        if (current.exists) {
            hints.sawRow(path, current.version);
        } else {
            hints.sawNoRow(path, current.version);
        }
    }

    /** The key's state for a write: an absent key's version is its namespace's floor. */
    private Current read(KeyPath path, WriteCall call) {
        try {
            Current current = current(path, call.what());
            if (!current.exists) {
                Row statics = cql.read(
                                table.selectStatic.bind(path.namespace()).setConsistencyLevel(ConsistencyLevel.SERIAL),
                                call.what())
                        .one();
                long floor = statics == null || statics.isNull("floor") ? 0 : statics.getLong("floor");
                current = new Current(null, floor, null, false);
            }
            saw(path, current);
            return current;
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
