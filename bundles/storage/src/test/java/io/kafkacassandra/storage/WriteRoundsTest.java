package io.kafkacassandra.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.ChangeFeed;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.NoSuchKeyException;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write costs one request (one Paxos round) when nothing races it, because it is conditioned on the version its
 * client last saw instead of on a read made first, and a refused condition's answer replaces the read. Two clients
 * on their own sessions make each other's hints stale, which must cost a round, never a wrong answer. Requests are
 * counted as the writing client sends them, by a session that counts its executions and passes them on.
 */
class WriteRoundsTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CqlSession sessionA;
    private static CqlSession sessionB;
    private static final AtomicLong SENT_BY_A = new AtomicLong();
    private static final AtomicLong HINTS_BY_A = new AtomicLong();
    private static CassandraStorage a;
    private static CassandraStorage b;

    @BeforeAll
    static void open() {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        sessionA = TestKeyspaces.open(settings);
        sessionB = TestKeyspaces.open(settings);
        a = new CassandraStorage(counting(sessionA, SENT_BY_A), settings);
        b = new CassandraStorage(sessionB, settings);
    }

    @AfterAll
    static void close() {
        a.close();
        b.close();
        sessionA.close();
        sessionB.close();
    }

    @Test
    void eachWriteOfAKeyOnlyThisClientWritesIsOneRequest() {
        assertEquals(1, requestsOf(SENT_BY_A, () -> a.put("/rounds/own", "1")), "put of a new key");
        assertEquals(
                1, requestsOf(SENT_BY_A, () -> a.update("/rounds/own", "2")), "update (was: a read, then the write)");
        assertEquals(1, requestsOf(SENT_BY_A, () -> a.update("/rounds/own", "3")), "update again");
        assertEquals(
                1,
                requestsOf(SENT_BY_A, () -> assertEquals(Optional.of(4L), a.compareAndSet("/rounds/own", 3, "4"))),
                "compare-and-set that applies");
        assertEquals(
                1,
                requestsOf(SENT_BY_A, () -> assertEquals(Optional.empty(), a.compareAndSet("/rounds/own", 3, "x"))),
                "compare-and-set refused (was: the write, then a read)");
        assertEquals(
                1,
                requestsOf(SENT_BY_A, () -> assertThrows(KeyExistsException.class, () -> a.put("/rounds/own", "x"))),
                "put of a key that exists (was: the write, then a read)");
        assertEquals(new Versioned("4", 4), a.fetchVersioned("/rounds/own").orElseThrow());
    }

    @Test
    void aWriteThatAppliesAnnouncesItsNamespaceOnceAndARefusedOneDoesNot() {
        assertEquals(1, hintsOf(() -> a.put("/rounds-hints/k", "1")), "put");
        assertEquals(1, hintsOf(() -> a.update("/rounds-hints/k", "2")), "update");
        assertEquals(
                0,
                hintsOf(() -> assertEquals(Optional.empty(), a.compareAndSet("/rounds-hints/k", 1, "x"))),
                "refused compare-and-set");
        assertEquals(1, hintsOf(() -> assertTrue(a.delete("/rounds-hints/k"))), "delete");
        assertEquals(0, hintsOf(() -> assertFalse(a.delete("/rounds-hints/k"))), "delete of nothing");
    }

    @Test
    void aVersionSeenByAFetchIsTheFirstConditionOfTheNextUpdate() {
        b.put("/rounds/fetched", "b1");
        assertEquals(new Versioned("b1", 1), a.fetchVersioned("/rounds/fetched").orElseThrow());
        assertEquals(1, requestsOf(SENT_BY_A, () -> a.update("/rounds/fetched", "a2")));
        assertEquals(new Versioned("a2", 2), b.fetchVersioned("/rounds/fetched").orElseThrow());
    }

    @Test
    void aStaleVersionCostsOneRefusedRoundAndNoRead() {
        a.put("/rounds/stale", "a1");
        b.update("/rounds/stale", "b2"); // a still believes version 1
        assertEquals(2, requestsOf(SENT_BY_A, () -> a.update("/rounds/stale", "a3")), "refused at 1, applied at 2");
        assertEquals(new Versioned("a3", 3), b.fetchVersioned("/rounds/stale").orElseThrow());
    }

    @Test
    void aKeyDeletedBehindTheClientsBackIsToldAsItIs() {
        a.put("/rounds/deleted", "a1");
        assertTrue(b.delete("/rounds/deleted"));
        // a's hint says live at 1: the refusal returns the deletion marker at 2.
        assertThrows(NoSuchKeyException.class, () -> a.update("/rounds/deleted", "a2"));
        assertFalse(a.delete("/rounds/deleted"));
        assertEquals(Optional.empty(), a.compareAndSet("/rounds/deleted", 1, "a2"));
        a.put("/rounds/deleted", "a3"); // re-created above the marker, never at a reused version
        assertEquals(new Versioned("a3", 3), b.fetchVersioned("/rounds/deleted").orElseThrow());
        assertThrows(KeyExistsException.class, () -> b.put("/rounds/deleted", "b4"));
    }

    @Test
    void aKeyWhoseMarkerWasPurgedIsCreatedAboveTheFloor() {
        a.put("/rounds-purged/k", "a1");
        a.update("/rounds-purged/k", "a2");
        assertTrue(b.delete("/rounds-purged/k")); // marker at 3
        assertEquals(1, b.purgeDeletionMarkers("/rounds-purged", Duration.ZERO)); // no row; floor 3
        // a's hint names a row at 2 that is gone: the refusal cannot tell the floor, so a reads it.
        a.put("/rounds-purged/k", "a4");
        assertEquals(
                new Versioned("a4", 4), b.fetchVersioned("/rounds-purged/k").orElseThrow());
    }

    @Test
    void aCreationRefusedByAFloorIsToldTheFloor() {
        b.put("/rounds-floor/old", "b1");
        assertTrue(b.delete("/rounds-floor/old")); // marker at 2
        assertEquals(1, b.purgeDeletionMarkers("/rounds-floor", Duration.ZERO)); // floor 2
        // a has never seen this namespace: its creation at 1 is refused, and the refusal names the floor.
        assertEquals(2, requestsOf(SENT_BY_A, () -> a.put("/rounds-floor/new", "a")), "refused at 1, created at 3");
        assertEquals(
                new Versioned("a", 3), b.fetchVersioned("/rounds-floor/new").orElseThrow());
    }

    /** The hints a call announced, once they have been sent (a hint waits a few milliseconds to be shared). */
    private static long hintsOf(Runnable call) {
        long before = HINTS_BY_A.get();
        call.run();
        ChangeFeed.awaitAnnounced();
        return HINTS_BY_A.get() - before;
    }

    private static long requestsOf(AtomicLong sent, Runnable call) {
        long before = sent.get();
        call.run();
        return sent.get() - before;
    }

    /**
     * The session, counting the statements executed through it (the background sweeps of markers included), hints
     * of the change feed apart: they are plain writes, sent without waiting, outside the Paxos rounds counted here.
     */
    private static CqlSession counting(CqlSession session, AtomicLong sent) {
        return (CqlSession) Proxy.newProxyInstance(
                WriteRoundsTest.class.getClassLoader(), new Class<?>[] {CqlSession.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("execute")) {
                        boolean hint = args[0] instanceof BoundStatement bound
                                && bound.getPreparedStatement().getQuery().contains(".changes ");
                        (hint ? HINTS_BY_A : sent).incrementAndGet();
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
