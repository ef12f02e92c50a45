package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.Replication;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * The schema, from the shipped {@code schema.cql}: the same file an operator runs by hand. The only parts filled
 * in are the keyspace (validated as a CQL identifier by {@link CassandraSettings}) and the replication map
 * (validated by {@link Replication}).
 */
public final class Schema {
    public static final String RESOURCE = "schema.cql";
    /** Where {@link #RESOURCE} is in the bundle: beside the settings, where operators find it, not beside this class. */
    private static final String RESOURCE_PATH = "/io/kafkacassandra/session/" + RESOURCE;

    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);
    /** The tables of {@code schema.cql}. */
    static final List<String> TABLES = List.of(
            "kv",
            "leader_election",
            "group_membership",
            "changes",
            "zk_log",
            "zk_sessions",
            "zk_instances",
            "zk_snapshots",
            "zk_snapshot_chunks");

    /** The change feed's table, which a schema created before it lacks: the services then run without it. */
    static final String CHANGES = "changes";

    /** Where ZooKeeper service instances take nudges; a schema created before it lacks it. */
    static final String ZK_INSTANCES = "zk_instances";

    private Schema() {}

    /** The CQL statements, with keyspace and the configured (or default) replication filled in. */
    public static List<String> statements(CassandraSettings settings) {
        return statements(settings, settings.replication());
    }

    static List<String> statements(CassandraSettings settings, Replication replication) {
        String text =
                template().replace("${keyspace}", settings.keyspace()).replace("${replication}", replication.toCql());
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                statements.add(current.toString().trim());
                current.setLength(0);
            }
        }
        return statements;
    }

    /**
     * Creates the keyspace and tables if they do not exist, and adds the columns that later versions added to a
     * table created before them; idempotent.
     */
    public static void create(CqlSession session, CassandraSettings settings, Replication replication) {
        List<String> statements = new ArrayList<>(statements(settings, replication));
        for (String column : missingColumns(session, settings)) {
            statements.add("ALTER TABLE " + settings.keyspace() + ".kv ADD " + ADDED_COLUMNS.get(column));
        }
        for (String cql : statements) {
            try {
                execute(session, cql, SCHEMA_SPREAD);
            } catch (RuntimeException e) {
                throw new StoreUnavailableException(
                        "cannot create the schema in keyspace " + settings.keyspace() + ": " + e.getMessage(), e);
            }
        }
    }

    /** How long a node may lack a keyspace or table that another node already has. */
    static final Duration SCHEMA_SPREAD = Duration.ofSeconds(30);

    /**
     * Runs a DDL statement; one that names a keyspace or table its coordinator does not know yet is sent again
     * for up to {@code spread}. Two processes creating the schema of a new ring at once (two ZooKeeper service
     * instances starting together) hit this: the driver waits for schema agreement only after a statement that
     * changed the schema, and the second process's {@code CREATE KEYSPACE IF NOT EXISTS} changes nothing on a node
     * that has the keyspace already, so its {@code CREATE TABLE} may go to a node that has not received it yet.
     */
    static void execute(CqlSession session, String cql, Duration spread) {
        long deadline = System.nanoTime() + spread.toNanos();
        while (true) {
            try {
                session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
                return;
            } catch (InvalidQueryException e) {
                String message = String.valueOf(e.getMessage());
                if (!message.contains("doesn't exist") || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while creating the schema", e);
            }
        }
    }

    /** Columns of {@code schema.cql} that an existing {@code kv} table lacks (it was created by an older version). */
    static List<String> missingColumns(CqlSession session, CassandraSettings settings) {
        return session.refreshSchema()
                .getKeyspace(settings.keyspace())
                .flatMap(k -> k.getTable("kv"))
                .map(t -> ADDED_COLUMNS.keySet().stream()
                        .filter(c -> t.getColumn(c).isEmpty())
                        .toList())
                .orElse(List.of());
    }

    /** Columns of {@code kv} added after its first version, with their definitions. */
    private static final java.util.Map<String, String> ADDED_COLUMNS = new java.util.LinkedHashMap<>(
            java.util.Map.of("fences", "fences map<text, bigint> static", "floor", "floor bigint static"));

    /**
     * Checks that the keyspace and every table exist, for a plugin that must not create them
     * ({@code plugin.cassandra.schema.create=false}, the least-privilege role): without this check the first
     * statement would fail with a less telling error.
     */
    public static void requireExisting(CqlSession session, CassandraSettings settings) {
        String keyspace = settings.keyspace();
        KeyspaceMetadata metadata = session.refreshSchema()
                .getKeyspace(keyspace)
                .orElseThrow(() -> new StoreUnavailableException("keyspace " + keyspace + " does not exist and "
                        + CassandraSettings.SCHEMA_CREATE + " is false: create it with the shipped " + RESOURCE
                        + " (see README, Operations) or let a role allowed to create it set "
                        + CassandraSettings.SCHEMA_CREATE + "=true"));
        for (String table : TABLES) {
            if (table.equals(CHANGES) || table.equals(ZK_INSTANCES)) {
                // optional: without the feed the services poll only (ChangeFeed says so in the log); without the
                // registry, ZooKeeper service instances find each other's writes by their periodic read (logged)
                continue;
            }
            if (metadata.getTable(table).isEmpty()) {
                throw new StoreUnavailableException("table " + keyspace + "." + table + " does not exist and "
                        + CassandraSettings.SCHEMA_CREATE + " is false: create it with the shipped " + RESOURCE);
            }
        }
        List<String> missing = missingColumns(session, settings);
        if (!missing.isEmpty()) {
            throw new StoreUnavailableException("column " + keyspace + ".kv." + missing.get(0) + " does not exist and "
                    + CassandraSettings.SCHEMA_CREATE + " is false: run ALTER TABLE " + keyspace + ".kv ADD "
                    + ADDED_COLUMNS.get(missing.get(0)) + " (see " + RESOURCE + ")");
        }
    }

    static String template() {
        try (InputStream in = Schema.class.getResourceAsStream(RESOURCE_PATH)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
