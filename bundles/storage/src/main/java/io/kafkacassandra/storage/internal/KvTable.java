package io.kafkacassandra.storage.internal;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The prepared statements of the {@code kv} table (see {@code schema.cql}), shared by the storage and the listener
 * registry's polls. The keyspace is a validated CQL identifier; every value is a bind variable.
 */
public final class KvTable {
    public final PreparedStatement selectRow;
    public final PreparedStatement selectChildren;
    private final PreparedStatement selectNamespace;
    public final PreparedStatement selectStatic;
    public final PreparedStatement selectMarkers;
    /**
     * Creation of a key whose row is absent: [0] in a namespace without floor, [1] above the floor bound. Its
     * condition names the floor, so that a refusal returns it; like the key writes below, it names {@code version}
     * and {@code value}, which a refusal on an existing row returns (on an absent row, only a condition on a static
     * column returns anything).
     */
    public final PreparedStatement[] create = new PreparedStatement[2];
    /** Removal of an old deletion marker, raising the floor: [0] where there is no floor yet, [1] from a floor. */
    public final PreparedStatement[] purge = new PreparedStatement[2];

    public final PreparedStatement recreateIfDeletedVersion;
    public final PreparedStatement setIfLiveVersion;
    public final PreparedStatement deleteIfLiveVersion;
    /** Fenced forms of the writes: [form][whether the namespace has no fence of the service yet]. */
    private final Map<FencedForm, PreparedStatement[]> fenced = new EnumMap<>(FencedForm.class);

    /**
     * The writes a fenced call can make, by their SET and IF clauses (the fence's parts are appended). As in the
     * unfenced forms, key conditions name {@code version} and {@code value}, and a creation the floor too, so that a
     * refusal returns what the next attempt needs.
     */
    public enum FencedForm {
        CREATE("value = ?, version = ?, write_id = ?", "version = null AND value = null AND floor = null"),
        CREATE_ABOVE_FLOOR("value = ?, version = ?, write_id = ?", "version = null AND value = null AND floor = ?"),
        RECREATE_IF_DELETED_VERSION("value = ?, version = ?, write_id = ?", "version = ? AND value = null"),
        SET_IF_LIVE_VERSION("value = ?, version = ?, write_id = ?", "version = ? AND value != null"),
        DELETE_IF_LIVE_VERSION("value = null, version = ?, write_id = ?", "version = ? AND value != null"),
        /** The fence alone, on the namespace's partition. */
        FENCE(null, null);

        final String set;
        final String condition;

        FencedForm(String set, String condition) {
            this.set = set;
            this.condition = condition;
        }
    }

    public KvTable(CqlSession session, CassandraSettings settings) {
        String kv = settings.keyspace() + ".kv";
        try {
            selectRow =
                    session.prepare("SELECT value, version, write_id FROM " + kv + " WHERE namespace = ? AND name = ?");
            selectChildren = session.prepare("SELECT name, writetime(value) FROM " + kv + " WHERE namespace = ?");
            selectNamespace = session.prepare("SELECT name, value, version, floor FROM " + kv + " WHERE namespace = ?");
            selectStatic = session.prepare("SELECT fences, floor FROM " + kv + " WHERE namespace = ? LIMIT 1");
            selectMarkers = session.prepare(
                    "SELECT name, value, version, writetime(version), floor FROM " + kv + " WHERE namespace = ?");
            for (int aboveFloor = 0; aboveFloor < 2; aboveFloor++) {
                String floor = aboveFloor == 0 ? "floor = null" : "floor = ?";
                create[aboveFloor] = session.prepare("UPDATE " + kv + " SET value = ?, version = ?, write_id = ?"
                        + " WHERE namespace = ? AND name = ? IF version = null AND value = null AND " + floor);
                // One partition, one Paxos round: the marker goes, and the floor keeps its version from reuse.
                purge[aboveFloor] = session.prepare("BEGIN BATCH"
                        + " DELETE FROM " + kv + " WHERE namespace = ? AND name = ? IF version = ? AND value = null;"
                        + " UPDATE " + kv + " SET floor = ? WHERE namespace = ? IF " + floor + ";"
                        + " APPLY BATCH");
            }
            recreateIfDeletedVersion = session.prepare("UPDATE " + kv + " SET value = ?, version = ?, write_id = ?"
                    + " WHERE namespace = ? AND name = ? IF version = ? AND value = null");
            setIfLiveVersion = session.prepare("UPDATE " + kv + " SET value = ?, version = ?, write_id = ?"
                    + " WHERE namespace = ? AND name = ? IF version = ? AND value != null");
            deleteIfLiveVersion = session.prepare("UPDATE " + kv + " SET value = null, version = ?, write_id = ?"
                    + " WHERE namespace = ? AND name = ? IF version = ? AND value != null");
            for (FencedForm form : FencedForm.values()) {
                fenced.put(form, new PreparedStatement[] {
                    session.prepare(fencedCql(kv, form, false)), session.prepare(fencedCql(kv, form, true))
                });
            }
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, kv, e);
        }
    }

    /**
     * A fenced write sets the service's fence to its epoch and is conditioned, in the same transaction, on the
     * fence not being above it ({@code <=}). An absent map element fails every comparison but {@code = null}, so
     * the first fenced write of a service in a namespace needs that form.
     */
    private static String fencedCql(String kv, FencedForm form, boolean firstFence) {
        String fenceCondition = firstFence ? "fences[?] = null" : "fences[?] <= ?";
        if (form == FencedForm.FENCE) {
            return "UPDATE " + kv + " SET fences[?] = ? WHERE namespace = ? IF " + fenceCondition;
        }
        return "UPDATE " + kv + " SET " + form.set + ", fences[?] = ? WHERE namespace = ? AND name = ? IF "
                + form.condition + " AND " + fenceCondition;
    }

    /**
     * Binds a fenced write: {@code setValues} and {@code conditionValues} are those of the form's own clauses.
     * Bind order follows the CQL text: SET, fence SET, WHERE, IF, fence IF.
     */
    public BoundStatement fenced(
            FencedForm form,
            boolean firstFence,
            String service,
            long epoch,
            String namespace,
            String name,
            Object[] setValues,
            Object[] conditionValues) {
        PreparedStatement ps = fenced.get(form)[firstFence ? 1 : 0];
        List<Object> values = new ArrayList<>(List.of(setValues));
        values.add(service);
        values.add(epoch);
        values.add(namespace);
        if (name != null) {
            values.add(name);
        }
        values.addAll(List.of(conditionValues));
        values.add(service);
        if (!firstFence) {
            values.add(epoch);
        }
        return ps.bind(values.toArray());
    }

    /**
     * Every row of a namespace (name, value or null for a deleted key, version, and the namespace's floor), for
     * the listener registry's polls: QUORUM, which sees every acknowledged write and, with blocking read repair,
     * never goes back. A namespace with a fence or a floor but no key yields one row whose name is null.
     */
    public BoundStatement namespaceRows(String namespace) {
        return selectNamespace.bind(namespace).setConsistencyLevel(ConsistencyLevel.QUORUM);
    }
}
