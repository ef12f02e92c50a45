package io.kafkacassandra.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import io.kafkacassandra.session.testing.TestKeyspaces;
import io.kafkacassandra.storage.internal.KvTable;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deletion markers do not grow without bound (Kafka's change-notification namespaces create and delete keys for
 * ever), and versions of a key created again after its marker was purged still never repeat.
 */
class DeletionMarkerTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CassandraSettings settings;
    private static CqlSession session;
    private static CassandraStorage storage;

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        session = TestKeyspaces.open(settings);
        storage = new CassandraStorage(session, settings, new ServiceMonitor("Storage", "markers"), Duration.ZERO);
    }

    @AfterAll
    static void close() {
        storage.close();
        session.close();
    }

    @Test
    void purgedMarkersRaiseTheFloorSoThatVersionsNeverRepeat() {
        storage.put("/m/live", "x"); // before any purge: version 1
        storage.put("/m/a", "a1");
        storage.update("/m/a", "a2");
        assertTrue(storage.delete("/m/a")); // marker at version 3
        // The sweep after the first delete may already have raised the floor to 3 (then b is created at 4).
        storage.put("/m/b", "b1");
        long bMarker = storage.fetchVersioned("/m/b").orElseThrow().version() + 1;
        assertTrue(bMarker == 2 || bMarker == 5, "b created at 1, or above the floor of 3: " + bMarker);
        assertTrue(storage.delete("/m/b"));
        waitForRows("/m", 1); // the background sweeps after the deletes (retention 0 here)
        assertEquals(0, storage.purgeDeletionMarkers("/m", Duration.ZERO));

        // Each purge raises the floor above where it was, to at least the marker's version: a's marker (3) is
        // purged first (its name sorts first, or its sweep ran before b existed), then b's.
        long floor = Math.max(3 + 1, bMarker);
        storage.put("/m/a", "again");
        assertEquals(Optional.of(new Versioned("again", floor + 1)), storage.fetchVersioned("/m/a"));
        storage.put("/m/new", "n", new Leadership("controller", "broker-1", 1)); // fenced creation above the floor
        assertEquals(Optional.of(new Versioned("n", floor + 1)), storage.fetchVersioned("/m/new"));
        assertEquals(Optional.of(new Versioned("x", 1)), storage.fetchVersioned("/m/live"));
        assertEquals(Set.of("a", "live", "new"), storage.children("/m"));
        assertEquals(Optional.empty(), storage.fetchVersioned("/m/b"));
    }

    @Test
    void aMarkerYoungerThanTheRetentionIsKept() {
        try (CassandraStorage patient = new CassandraStorage(
                session, settings, new ServiceMonitor("Storage", "patient"), Duration.ofHours(1))) {
            patient.put("/kept/a", "1");
            assertTrue(patient.delete("/kept/a"));
            assertEquals(0, patient.purgeDeletionMarkers("/kept", Duration.ofHours(1)));
            assertEquals(1, rows("/kept"));
            patient.put("/kept/a", "2");
            assertEquals(Optional.of(new Versioned("2", 3)), patient.fetchVersioned("/kept/a"));
        }
    }

    /**
     * A put's creation attempt is conditioned on the namespace's floor; held up at a frozen coordinator, it may run
     * minutes later. Had a purge left the floor where it was (a marker below it), that attempt would bring back a
     * key deleted after the put had answered (it saw the key and said it exists): a double put. Every purge raises
     * the floor, so an attempt conditioned on a floor seen before a purge never applies after it.
     */
    @Test
    void aCreationHeldUpAcrossAPurgeNeverLands() {
        try (CassandraStorage patient =
                new CassandraStorage(session, settings, new ServiceMonitor("Storage", "held"), Duration.ofHours(1))) {
            patient.put("/held/k", "k1"); // version 1
            patient.put("/held/x", "x1");
            patient.update("/held/x", "x2");
            patient.update("/held/x", "x3");
            assertTrue(patient.delete("/held/x")); // marker 4
            assertEquals(1, patient.purgeDeletionMarkers("/held", Duration.ZERO)); // floor 4, k still at 1
            // What a put of /held/k sends first when its client knows the floor 4 and nothing of the key; the key
            // exists, so that put answers KeyExistsException while this attempt is held up.
            BoundStatement heldUp = new KvTable(session, settings)
                    .create[1].bind("resurrected", 5L, UUID.randomUUID(), "/held", "k", 4L);
            assertTrue(patient.delete("/held/k")); // marker 2, below the floor
            assertEquals(1, patient.purgeDeletionMarkers("/held", Duration.ZERO));
            assertFalse(session.execute(heldUp).wasApplied(), "a creation conditioned on the floor before a purge");
            assertEquals(Optional.empty(), patient.fetchVersioned("/held/k"));
        }
    }

    /** A namespace where keys are created and deleted for ever keeps a bounded number of rows. */
    @Test
    void keysCreatedAndDeletedForEverLeaveABoundedNamespace() {
        for (int i = 0; i < 60; i++) {
            storage.put("/changes/c" + i, "change " + i);
            assertTrue(storage.delete("/changes/c" + i));
        }
        waitForRows("/changes", 3);
        storage.put("/changes/c0", "again");
        assertTrue(
                storage.fetchVersioned("/changes/c0").orElseThrow().version() > 2,
                "created again above every purged marker's version");
    }

    private static void waitForRows(String namespace, int atMost) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (rows(namespace) > atMost) {
            assertTrue(System.nanoTime() < deadline, rows(namespace) + " rows left in " + namespace);
            sleep(50);
        }
    }

    /** Rows of keys (live or markers) in the namespace's partition. */
    private static long rows(String namespace) {
        return session
                .execute(SimpleStatement.newInstance(
                        "SELECT name FROM " + settings.keyspace() + ".kv WHERE namespace = ?", namespace))
                .all()
                .stream()
                .filter(r -> !r.isNull("name"))
                .count();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
