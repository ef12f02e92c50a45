package io.kafkacassandra.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node on the skewed clock stamps its writes with its own, skewed time, and follows the file as it changes. */
class SkewedClockTest {
    private static final Path OFFSET =
            Path.of("target", "skewed-clock-test", "offset").toAbsolutePath();

    static {
        // A build without clean keeps the last run's +6 s here; a node started on it would stamp its start-up
        // writes 6 s ahead, and Paxos ballots, which never go back, would then read about 4 s instead of 2 s.
        FakeClock.set(OFFSET, Duration.ZERO);
    }

    @RegisterExtension
    static final CassandraExtension CASSANDRA =
            CassandraExtension.isolated(b -> b.nodes(1).fakeClock(0, OFFSET));

    @Test
    void theNodesWallClockFollowsTheOffsetFile() throws Exception {
        try (CqlSession session = TestSessions.connect(CASSANDRA.cluster().contactPoints())) {
            session.execute("CREATE KEYSPACE IF NOT EXISTS skew WITH replication ="
                    + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE IF NOT EXISTS skew.t (k text PRIMARY KEY, v text)");
            // Ahead, then further ahead: Paxos ballots never go back, so a clock set back would not show here.
            FakeClock.set(OFFSET, Duration.ofSeconds(2));
            Thread.sleep(500);
            long first = skewMillis(session, "first");
            FakeClock.set(OFFSET, Duration.ofSeconds(6));
            Thread.sleep(500);
            long second = skewMillis(session, "second");
            System.out.println("node clock skew measured: " + first + " ms, then " + second + " ms");
            assertTrue(Math.abs(first - 2000) < 1000, "ahead by " + first + " ms, not about 2000");
            assertTrue(Math.abs(second - 6000) < 1000, "ahead by " + second + " ms, not about 6000");
        }
    }

    /** A lightweight transaction's write time is the node's Paxos ballot time: its clock. */
    private static long skewMillis(CqlSession session, String key) {
        long before = System.currentTimeMillis();
        session.execute("INSERT INTO skew.t (k, v) VALUES ('" + key + "', 'x') IF NOT EXISTS");
        long after = System.currentTimeMillis();
        long written = session.execute("SELECT writetime(v) FROM skew.t WHERE k = '" + key + "'")
                        .one()
                        .getLong(0)
                / 1000;
        return written - (before + after) / 2;
    }
}
