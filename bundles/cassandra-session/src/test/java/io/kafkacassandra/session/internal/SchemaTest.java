package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.Replication;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pure logic: the schema statements, from the shipped schema.cql (no Cassandra needed). */
class SchemaTest {
    /** A session whose execute fails with {@code failures} in turn, then succeeds; counts the calls. */
    private static CqlSession failing(AtomicInteger calls, String... failures) {
        return (CqlSession) Proxy.newProxyInstance(
                SchemaTest.class.getClassLoader(), new Class<?>[] {CqlSession.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("execute")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    int call = calls.getAndIncrement();
                    if (call < failures.length) {
                        throw new InvalidQueryException(null, failures[call]);
                    }
                    return null;
                });
    }

    @Test
    void aStatementNamingAKeyspaceItsCoordinatorHasNotReceivedYetIsSentAgain() {
        AtomicInteger calls = new AtomicInteger();
        Schema.execute(
                failing(calls, "Keyspace 'bench' doesn't exist", "Keyspace 'bench' doesn't exist"),
                "CREATE TABLE IF NOT EXISTS bench.kv (k text PRIMARY KEY)",
                Duration.ofSeconds(30));
        assertEquals(3, calls.get());
    }

    @Test
    void anyOtherRefusalAndAKeyspaceStillMissingAfterTheSpreadFail() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(
                InvalidQueryException.class,
                () -> Schema.execute(
                        failing(calls, "line 1:7 no viable alternative"), "CREATE x", Duration.ofSeconds(30)));
        assertEquals(1, calls.get());
        AtomicInteger again = new AtomicInteger();
        String[] always = new String[1000];
        java.util.Arrays.fill(always, "Keyspace 'bench' doesn't exist");
        assertThrows(
                InvalidQueryException.class,
                () -> Schema.execute(failing(again, always), "CREATE TABLE bench.kv", Duration.ofMillis(500)));
        assertTrue(again.get() >= 2 && again.get() < 10, again.get() + " attempts");
    }

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
