package io.kafkacassandra.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.election.ReconnectingLeaderElection;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.listeners.ReconnectingListenerRegistry;
import io.kafkacassandra.membership.ReconnectingGroupMembership;
import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import io.kafkacassandra.storage.CassandraStorage;
import io.kafkacassandra.storage.ReconnectingStorage;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a configuration change does to clients that hold the services: they move from one Cassandra node to a
 * second, independent one. Listeners keep firing, the leader steps down on the old node before it runs on the
 * new one, members join again, writes land on the new node, and the old clients' threads end.
 */
class ReconnectionTest {
    @RegisterExtension
    static final CassandraExtension FIRST = CassandraExtension.shared(1);

    @RegisterExtension
    static final CassandraExtension SECOND = CassandraExtension.isolated(b -> b.nodes(1));

    @Test
    void servicesFollowTheSessionToAnotherCassandra() throws Exception {
        CassandraSettings a = TestKeyspaces.settings(FIRST.cluster())
                .pollPeriod(java.time.Duration.ofMillis(200))
                .safetyPollPeriod(java.time.Duration.ofMillis(1_000))
                .build();
        CassandraSettings b = TestKeyspaces.settings(SECOND.cluster())
                .pollPeriod(java.time.Duration.ofMillis(200))
                .safetyPollPeriod(java.time.Duration.ofMillis(1_000))
                .build();
        try (CqlSession sessionA = TestKeyspaces.open(a);
                CqlSession sessionB = TestKeyspaces.open(b);
                ReconnectingStorage storage = new ReconnectingStorage();
                ReconnectingListenerRegistry registry = new ReconnectingListenerRegistry();
                ReconnectingLeaderElection election = new ReconnectingLeaderElection("kafka_controller");
                ReconnectingGroupMembership brokers = new ReconnectingGroupMembership("brokers")) {
            assertThrows(
                    StoreUnavailableException.class, () -> storage.put("/x", "y"), "no session yet: fails at once");
            BlockingQueue<Optional<String>> values = new LinkedBlockingQueue<>();
            registry.addValueChangeListener("/config/topics/orders", values::add);
            BlockingQueue<Optional<String>> leaders = new LinkedBlockingQueue<>();
            election.addListener(leaders::add);

            CassandraConnection onA = CassandraConnection.of(sessionA, a);
            storage.connect(onA);
            registry.connect(onA);
            election.connect(onA);
            brokers.connect(onA);
            assertEquals(Optional.empty(), next(values));
            storage.put("/config/topics/orders", "on A");
            assertEquals(Optional.of("on A"), next(values));
            assertTrue(election.nominate("broker-1"));
            await(leaders, Optional.of("broker-1"));
            brokers.join("1", "host1");

            // The configuration changes: a session on B replaces the one on A.
            CassandraConnection onB = CassandraConnection.of(sessionB, b);
            storage.connect(onB);
            registry.connect(onB);
            election.connect(onB);
            brokers.connect(onB);

            await(leaders, Optional.empty()); // the leader stepped down on A first,
            await(leaders, Optional.of("broker-1")); // then leads on B
            assertTrue(election.heldLeadership("broker-1").isPresent());
            assertEquals(
                    Optional.empty(),
                    new io.kafkacassandra.election.CassandraLeaderElection(sessionA, a, "kafka_controller")
                            .currentLeadership(),
                    "no lease left on A: never two leaders");

            assertEquals(Optional.empty(), next(values), "the listener now sees B, where the key does not exist");
            storage.put("/config/topics/orders", "on B");
            assertEquals(Optional.of("on B"), next(values), "and keeps firing");
            assertEquals(
                    Optional.of("on A"),
                    new CassandraStorage(sessionA, a)
                            .fetch("/config/topics/orders")
                            .get(5, TimeUnit.SECONDS),
                    "A is untouched by writes after the change");
            assertEquals(Set.of("1"), brokers.membershipList());
            assertEquals(
                    Set.of(),
                    new io.kafkacassandra.membership.CassandraGroupMembership(sessionA, a, "brokers").membershipList(),
                    "the member left A");
            assertEquals(1, registry.registrations());
        }
        long left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("kafka-cassandra-"))
                .count();
        assertEquals(0, left, "threads left after close");
    }

    /** Skips events until {@code expected}; fails if it does not come within 10 s. */
    private static void await(BlockingQueue<Optional<String>> queue, Optional<String> expected)
            throws InterruptedException {
        Optional<String> event = next(queue);
        while (!event.equals(expected)) {
            event = next(queue);
        }
    }

    private static Optional<String> next(BlockingQueue<Optional<String>> queue) throws InterruptedException {
        Optional<String> event = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "no event within 10 s");
        return event;
    }
}
