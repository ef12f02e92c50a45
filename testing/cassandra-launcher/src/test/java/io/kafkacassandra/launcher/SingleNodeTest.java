package io.kafkacassandra.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SingleNodeTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CqlSession connect(CassandraCluster cluster) {
        return TestSessions.connect(cluster.contactPoints());
    }

    @Test
    void answersCqlAndLightweightTransactions(CassandraCluster cluster) {
        try (CqlSession session = connect(cluster)) {
            Row version =
                    session.execute("SELECT release_version FROM system.local").one();
            assertTrue(version.getString(0).startsWith("5.0"), version.getString(0));

            session.execute("CREATE KEYSPACE IF NOT EXISTS launcher_single WITH replication ="
                    + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE IF NOT EXISTS launcher_single.kv (k text PRIMARY KEY, v text)");
            session.execute("DELETE FROM launcher_single.kv WHERE k = 'a'");

            ResultSet first = session.execute("INSERT INTO launcher_single.kv (k, v) VALUES ('a', '1') IF NOT EXISTS");
            assertTrue(first.wasApplied());
            ResultSet second = session.execute("INSERT INTO launcher_single.kv (k, v) VALUES ('a', '2') IF NOT EXISTS");
            assertFalse(second.wasApplied());
            assertEquals("1", second.one().getString("v"), "a refused LWT returns the current row");
        }
    }

    @Test
    void runsLinearizablePaxosAndFailsOnViolations(CassandraCluster cluster) {
        try (CqlSession session = connect(cluster)) {
            assertEquals("v2", setting(session, "paxos_variant"));
            assertEquals("fail", setting(session, "paxos_on_linearizability_violations"));
        }
    }

    @Test
    void refusesToStartASecondTimeAndReportsDeadNodesWithTheirLog(CassandraCluster cluster) {
        CassandraNode node = cluster.node(0);
        assertThrows(IllegalStateException.class, node::start);

        // A second cluster on the same CQL address and port is refused before it starts.
        try (CassandraCluster clash = CassandraCluster.builder().build()) {
            IllegalStateException error = assertThrows(IllegalStateException.class, clash::start);
            assertTrue(error.getMessage().contains("already in use"), error.getMessage());
        }
        // One on another CQL port but the same storage port cannot bind and dies: the error carries its log.
        try (CassandraCluster clash =
                CassandraCluster.builder().ports(7000, 9043).build()) {
            IllegalStateException error = assertThrows(IllegalStateException.class, clash::start);
            assertTrue(error.getMessage().contains("exited"), error.getMessage());
            assertTrue(error.getMessage().contains("Log tail"), error.getMessage());
        }
        assertTrue(node.isRunning(), "the first node is untouched");
    }

    private static String setting(CqlSession session, String name) {
        return session.execute("SELECT value FROM system_views.settings WHERE name = ?", name)
                .one()
                .getString(0);
    }
}
