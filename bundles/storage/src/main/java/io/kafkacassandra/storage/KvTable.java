package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.kafkacassandra.session.CassandraSettings;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * The prepared statements of the {@code kv} table (see {@code schema.cql}). The keyspace is a validated CQL
 * identifier; every value is a bind variable.
 */
public final class KvTable {
    final PreparedStatement selectRow;
    final PreparedStatement selectChildren;
    final PreparedStatement selectNamespace;
    final PreparedStatement insertNew;
    final PreparedStatement setIfVersion;
    final PreparedStatement setIfLiveVersion;
    final PreparedStatement deleteIfLiveVersion;

    public KvTable(CqlSession session, CassandraSettings settings) {
        String kv = settings.keyspace() + ".kv";
        try {
            selectRow = session.prepare("SELECT value, version, write_id FROM " + kv + " WHERE namespace = ? AND name = ?");
            selectChildren = session.prepare("SELECT name, writetime(value) FROM " + kv + " WHERE namespace = ?");
            selectNamespace = session.prepare("SELECT name, value, version FROM " + kv + " WHERE namespace = ?");
            insertNew = session.prepare("INSERT INTO " + kv + " (namespace, name, value, version, write_id)"
                    + " VALUES (?, ?, ?, ?, ?) IF NOT EXISTS");
            setIfVersion = session.prepare("UPDATE " + kv + " SET value = ?, version = ?, write_id = ?"
                    + " WHERE namespace = ? AND name = ? IF version = ?");
            setIfLiveVersion = session.prepare("UPDATE " + kv + " SET value = ?, version = ?, write_id = ?"
                    + " WHERE namespace = ? AND name = ? IF version = ? AND value != null");
            deleteIfLiveVersion = session.prepare("UPDATE " + kv + " SET value = null, version = ?, write_id = ?"
                    + " WHERE namespace = ? AND name = ? IF version = ? AND value != null");
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot prepare the statements of " + kv
                    + " (does the schema exist? see schema.cql): " + e.getMessage(), e);
        }
    }

    /**
     * Every row of a namespace (name, value or null for a deleted key, version), for the listener registry's
     * polls: QUORUM, which sees every acknowledged write and, with blocking read repair, never goes back.
     */
    public BoundStatement namespaceRows(String namespace) {
        return selectNamespace.bind(namespace).setConsistencyLevel(ConsistencyLevel.QUORUM);
    }
}
