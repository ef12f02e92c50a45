package io.kafkacassandra.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.launcher.CassandraNode;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes whose outcome Cassandra cannot tell (the node freezes mid-request): they are settled by a linearizable
 * read when one is possible, reported as unknown when not, and never reported as success or failure by guess.
 */
class UnknownOutcomeTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.isolated(b -> b.nodes(1));

    private static CassandraSettings settings;
    private static CqlSession session;
    private static CassandraStorage storage;
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .requestTimeout(Duration.ofMillis(1000))
                .build();
        session = TestKeyspaces.open(settings);
        storage = new CassandraStorage(session, settings);
    }

    @AfterAll
    static void close() {
        SCHEDULER.shutdownNow();
        session.close();
    }

    @Test
    void anUnsettledWriteIsReportedUnknownAndTheStateIsWhateverTheReadsThenShow() throws Exception {
        CassandraNode node = CASSANDRA.cluster().node(0);
        node.pause();
        OutcomeUnknownException unknown;
        try {
            unknown = assertThrows(OutcomeUnknownException.class, () -> storage.put("/unknown/a", "mine"));
        } finally {
            node.resume();
        }
        assertTrue(unknown.getMessage().contains("may or may not have taken effect"), unknown.getMessage());
        // The frozen node may still run the request it had queued, at any time: the caller's retry either
        // creates the key or finds it created by that request. Either way it exists once, with this value.
        try {
            retrying(() -> storage.put("/unknown/a", "mine"));
        } catch (KeyExistsException createdByTheFirstCall) {
            // the first call's write landed
        }
        assertEquals(
                new Versioned("mine", 1), storage.fetchVersioned("/unknown/a").orElseThrow());
    }

    @Test
    void aWriteSettledByTheReadReturnsNormallyAndTakesEffectExactlyOnce() throws Exception {
        CassandraNode node = CASSANDRA.cluster().node(0);
        node.pause();
        // The node comes back while the put is settling its first attempt's outcome.
        SCHEDULER.schedule(node::resume, 1300, TimeUnit.MILLISECONDS);
        storage.put("/unknown/b", "mine");
        assertEquals(
                new Versioned("mine", 1),
                storage.fetchVersioned("/unknown/b").orElseThrow(),
                "created once, with this value");
        assertThrows(KeyExistsException.class, () -> storage.put("/unknown/b", "mine"));
    }

    /** Runs a call until the thawed node answers (its first answers may still time out). */
    private static void retrying(Runnable call) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                call.run();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
