package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader's side of safety: when Cassandra stops answering, the leader stops leading at its local deadline,
 * before the lease can expire in Cassandra, and tells its listeners then.
 */
class LeaseLossTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.isolated(b -> b.nodes(1));

    @Test
    void theLeaderStepsDownAtItsLocalDeadlineWhenCassandraFreezes() throws Exception {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofMillis(200)).requestTimeout(Duration.ofSeconds(2)).build();
        try (CqlSession session = TestKeyspaces.open(settings);
             CassandraLeaderElection election = new CassandraLeaderElection(session, settings, "frozen")) {
            Events events = new Events();
            election.addListener(events);
            assertTrue(election.nominate("leader"));
            long epoch = election.heldLeadership("leader").orElseThrow().epoch();
            events.await(Optional.of("leader"), 5_000);

            long frozenAt = System.nanoTime();
            CASSANDRA.cluster().node(0).pause();
            try {
                Events.Event lost = events.await(Optional.empty(), 5_000);
                long lostAfterMs = (lost.nanos() - frozenAt) / 1_000_000;
                System.out.println("leadership given up " + lostAfterMs + " ms after Cassandra froze"
                        + " (lease validity " + settings.leaseValidity().toMillis() + " ms)");
                assertTrue(lostAfterMs <= settings.leaseValidity().toMillis() + 200,
                        "stepped down " + lostAfterMs + " ms after the last renewal could have been sent");
                assertEquals(Optional.empty(), election.heldLeadership("leader"));
            } finally {
                CASSANDRA.cluster().node(0).resume();
            }

            // Cassandra is back: the candidate, still eligible, leads again under a new epoch.
            events.await(Optional.of("leader"), 15_000);
            Leadership again = election.heldLeadership("leader").orElseThrow();
            assertTrue(again.epoch() > epoch, again + " after epoch " + epoch);
        }
    }
}
