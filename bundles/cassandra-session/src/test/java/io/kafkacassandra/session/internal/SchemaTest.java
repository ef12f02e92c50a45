package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.Replication;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure logic: the schema statements, from the shipped schema.cql (no Cassandra needed). */
class SchemaTest {
    @Test
    void theSchemaIsTheShippedFileWithKeyspaceAndReplicationFilledIn() {
        CassandraSettings s = CassandraSettings.builder()
                .keyspace("ks1")
                .replication(Replication.simple(3))
                .build();
        List<String> statements = Schema.statements(s);
        assertEquals(1 + Schema.TABLES.size(), statements.size());
        assertTrue(
                statements
                        .get(0)
                        .startsWith("CREATE KEYSPACE IF NOT EXISTS ks1 WITH replication ="
                                + " {'class': 'SimpleStrategy', 'replication_factor': 3}"),
                statements.get(0));
        assertTrue(statements.stream().skip(1).allMatch(cql -> cql.startsWith("CREATE TABLE IF NOT EXISTS ks1.")));
        assertTrue(statements.stream().noneMatch(cql -> cql.contains("${")));
        for (int i = 0; i < Schema.TABLES.size(); i++) {
            assertTrue(
                    statements.get(i + 1).startsWith("CREATE TABLE IF NOT EXISTS ks1." + Schema.TABLES.get(i) + " ("),
                    "the tables checked when the plugin may not create them are the tables of schema.cql");
        }
    }
}
