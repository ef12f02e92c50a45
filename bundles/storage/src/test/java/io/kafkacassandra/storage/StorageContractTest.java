package io.kafkacassandra.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.NoSuchKeyException;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each sentence of the Storage contract, against a real Cassandra node. */
class StorageContractTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CassandraSettings settings;
    private static CqlSession session;
    private static CassandraStorage storage;

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .maxValueBytes(64 * 1024)
                .build();
        session = TestKeyspaces.open(settings);
        storage = new CassandraStorage(session, settings);
    }

    @AfterAll
    static void close() {
        storage.close();
        session.close();
    }

    @Test
    void putCreatesAndFetchReadsIt() throws Exception {
        storage.put("/topics/orders", "{\"partitions\":3}");
        assertEquals(
                Optional.of("{\"partitions\":3}"),
                storage.fetch("/topics/orders").get(5, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), storage.fetch("/topics/missing").get(5, TimeUnit.SECONDS));
    }

    @Test
    void putThrowsIfTheKeyExistsAndChangesNothing() throws Exception {
        storage.put("/put/once", "first");
        KeyExistsException e = assertThrows(KeyExistsException.class, () -> storage.put("/put/once", "second"));
        assertEquals("/put/once", e.key());
        assertEquals(Optional.of("first"), storage.fetch("/put/once").get());
        assertEquals(1, storage.fetchVersioned("/put/once").orElseThrow().version());
    }

    @Test
    void updateThrowsIfTheKeyDoesNotExistAndChangesOnlyExistingKeys() throws Exception {
        NoSuchKeyException e = assertThrows(NoSuchKeyException.class, () -> storage.update("/update/none", "x"));
        assertEquals("/update/none", e.key());
        assertEquals(Optional.empty(), storage.fetch("/update/none").get());

        storage.put("/update/some", "1");
        storage.update("/update/some", "2");
        assertEquals(
                new Versioned("2", 2), storage.fetchVersioned("/update/some").orElseThrow());
    }

    @Test
    void deleteRemovesAndVersionsAreNeverReused() throws Exception {
        storage.put("/del/k", "a");
        storage.update("/del/k", "b");
        assertTrue(storage.delete("/del/k"));
        assertFalse(storage.delete("/del/k"), "second delete finds nothing");
        assertEquals(Optional.empty(), storage.fetch("/del/k").get());
        assertEquals(Optional.empty(), storage.fetchVersioned("/del/k"));
        assertThrows(NoSuchKeyException.class, () -> storage.update("/del/k", "c"));

        storage.put("/del/k", "again");
        Versioned recreated = storage.fetchVersioned("/del/k").orElseThrow();
        assertEquals("again", recreated.value());
        assertEquals(4, recreated.version(), "create 1, update 2, delete 3, create again 4");
    }

    @Test
    void compareAndSetAndDeleteHonourTheVersion() {
        storage.put("/cas/k", "v1");
        assertEquals(Optional.empty(), storage.compareAndSet("/cas/k", 7, "nope"));
        assertEquals(Optional.of(2L), storage.compareAndSet("/cas/k", 1, "v2"));
        assertEquals(Optional.empty(), storage.compareAndSet("/cas/k", 1, "stale"));
        assertEquals(new Versioned("v2", 2), storage.fetchVersioned("/cas/k").orElseThrow());

        assertFalse(storage.compareAndDelete("/cas/k", 1));
        assertTrue(storage.compareAndDelete("/cas/k", 2));
        assertEquals(
                Optional.empty(),
                storage.compareAndSet("/cas/k", 3, "on a deleted key"),
                "the version of a deleted key does not bring it back");
        assertEquals(Optional.empty(), storage.fetchVersioned("/cas/k"));
        assertEquals(Optional.empty(), storage.compareAndSet("/cas/never", 0, "x"));
    }

    @Test
    void childrenListTheLiveKeysDirectlyBelowANamespace() {
        storage.put("/brokers/topics/a", "1");
        storage.put("/brokers/topics/b", "2");
        storage.put("/brokers/topics/b/partitions", "nested, not a child of /brokers/topics");
        storage.put("/brokers/topics/c", "3");
        storage.delete("/brokers/topics/c");
        assertEquals(Set.of("a", "b"), storage.children("/brokers/topics"));
        assertEquals(Set.of("partitions"), storage.children("/brokers/topics/b"));
        assertEquals(Set.of(), storage.children("/nothing/here"));

        storage.put("/top-level", "x");
        assertTrue(storage.children("/").contains("top-level"));
    }

    @Test
    void valuesKeepEveryCharacterAndTheSizeLimitIsEnforced() throws Exception {
        String unusual = "line1\nline2\t\u0000 é 日本 \uD83D\uDE00 '; DROP TABLE kv; --";
        storage.put("/values/unusual", unusual);
        assertEquals(Optional.of(unusual), storage.fetch("/values/unusual").get());
        storage.put("/values/empty", "");
        assertEquals(Optional.of(""), storage.fetch("/values/empty").get());

        String atLimit = "x".repeat(64 * 1024);
        storage.put("/values/limit", atLimit);
        assertEquals(Optional.of(atLimit), storage.fetch("/values/limit").get());
        IllegalArgumentException tooBig =
                assertThrows(IllegalArgumentException.class, () -> storage.put("/values/big", atLimit + "x"));
        assertTrue(tooBig.getMessage().contains("65537 bytes"), tooBig.getMessage());
        assertEquals(Optional.empty(), storage.fetch("/values/big").get());
        assertThrows(IllegalArgumentException.class, () -> storage.update("/values/limit", atLimit + "x"));
        assertEquals(Optional.of(atLimit), storage.fetch("/values/limit").get());
        assertThrows(IllegalArgumentException.class, () -> storage.put("/values/lone", "a\uD800b"));
        assertThrows(IllegalArgumentException.class, () -> storage.put("/values/null", null));
    }

    @Test
    void badKeysAreRefusedWithTheRuleTheyBreak() throws Exception {
        List<String> bad = List.of(
                "",
                "relative",
                "/",
                "/a/",
                "//a",
                "/a//b",
                "/a/./b",
                "/a/../b",
                "/a\nb",
                "/a\u0000",
                "/\uDC00",
                "/" + "k".repeat(1024));
        for (String key : bad) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> storage.put(key, "v"), "put " + key);
            assertTrue(e.getMessage().startsWith("key "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> storage.fetch(key));
            assertThrows(IllegalArgumentException.class, () -> storage.delete(key));
        }
        assertThrows(IllegalArgumentException.class, () -> storage.put(null, "v"));
        assertThrows(IllegalArgumentException.class, () -> storage.children("/a/"));
        assertEquals(Set.of(), storage.children("/a"), "nothing was stored by the refused calls");
    }

    @Test
    void initTakesNoContextAndAClosedClientRefusesCalls() {
        storage.init(null);
        assertThrows(IllegalArgumentException.class, () -> storage.init("context"));
        CassandraStorage other = new CassandraStorage(session, settings);
        other.close();
        other.close();
        assertThrows(IllegalStateException.class, () -> other.put("/closed", "x"));
    }

    @Test
    void competingClientsCreateAKeyExactlyOnce() throws Exception {
        int clients = 6;
        List<CqlSession> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                CqlSession own = TestKeyspaces.open(settings);
                sessions.add(own);
                CassandraStorage client = new CassandraStorage(own, settings);
                String value = "client-" + i;
                calls.add(() -> {
                    try {
                        client.put("/race/once", value);
                        return true;
                    } catch (KeyExistsException lost) {
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(calls)) {
                winners += f.get() ? 1 : 0;
            }
            assertEquals(1, winners);
            assertEquals(1, storage.fetchVersioned("/race/once").orElseThrow().version());

            // Read-modify-write by compare-and-set from every client: no increment is lost.
            storage.put("/race/counter", "0");
            int increments = 15;
            AtomicInteger done = new AtomicInteger();
            List<Callable<Void>> incrementers = new ArrayList<>();
            for (CqlSession own : sessions) {
                CassandraStorage client = new CassandraStorage(own, settings);
                incrementers.add(() -> {
                    for (int n = 0; n < increments; n++) {
                        while (true) {
                            Versioned current =
                                    client.fetchVersioned("/race/counter").orElseThrow();
                            String next = Integer.toString(Integer.parseInt(current.value()) + 1);
                            if (client.compareAndSet("/race/counter", current.version(), next)
                                    .isPresent()) {
                                done.incrementAndGet();
                                break;
                            }
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(incrementers)) {
                f.get();
            }
            Versioned counter = storage.fetchVersioned("/race/counter").orElseThrow();
            assertEquals(Integer.toString(clients * increments), counter.value());
            assertEquals(done.get(), Integer.parseInt(counter.value()));
            assertEquals(1 + clients * increments, counter.version());
        } finally {
            pool.shutdownNow();
            sessions.forEach(CqlSession::close);
        }
    }
}
