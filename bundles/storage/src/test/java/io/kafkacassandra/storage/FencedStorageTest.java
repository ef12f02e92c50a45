package io.kafkacassandra.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.plugin.interfaces.FencedOutException;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** {@link org.apache.kafka.plugin.interfaces.FencedStorage}: writes of a deposed leader are refused by the store. */
class FencedStorageTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CqlSession session;
    private static CassandraStorage storage;

    private static final Leadership OLD = new Leadership("controller", "broker-1", 4);
    private static final Leadership NEW = new Leadership("controller", "broker-2", 5);

    @BeforeAll
    static void open() {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        session = TestKeyspaces.open(settings);
        storage = new CassandraStorage(session, settings);
    }

    @AfterAll
    static void close() {
        storage.close();
        session.close();
    }

    @Test
    void everyFencedWriteOfAnOlderEpochIsRefusedOnceANewerOneReachedTheNamespaceAndChangesNothing() {
        storage.put("/brokers/topics/a", "a1", OLD);
        storage.put("/brokers/topics/b", "b1", OLD);
        storage.update("/brokers/topics/a", "a2", NEW); // the successor's first fenced write in /brokers/topics

        assertRefused(() -> storage.put("/brokers/topics/c", "c1", OLD));
        assertRefused(() -> storage.update("/brokers/topics/b", "b2", OLD));
        assertRefused(() -> storage.compareAndSet("/brokers/topics/b", 1, "b2", OLD));
        assertRefused(() -> storage.delete("/brokers/topics/b", OLD));
        assertRefused(() -> storage.compareAndDelete("/brokers/topics/b", 1, OLD));
        assertRefused(() -> storage.fence("/brokers/topics", OLD));

        assertEquals(Optional.of(new Versioned("a2", 2)), storage.fetchVersioned("/brokers/topics/a"));
        assertEquals(Optional.of(new Versioned("b1", 1)), storage.fetchVersioned("/brokers/topics/b"));
        assertEquals(Optional.empty(), storage.fetchVersioned("/brokers/topics/c"));
        assertEquals(Set.of("a", "b"), storage.children("/brokers/topics"));
    }

    @Test
    void theSameAndNewerEpochsWriteOnAndOtherNamespacesAndServicesAreNotFenced() {
        storage.put("/same/k", "1", NEW);
        storage.update("/same/k", "2", NEW);
        assertEquals(Optional.of(3L), storage.compareAndSet("/same/k", 2, "3", new Leadership("controller", "b", 9)));
        assertRefused(() -> storage.update("/same/k", "4", NEW));

        storage.put("/other/k", "1", OLD); // another namespace: its own fence
        storage.put("/same/j", "1", new Leadership("reassigner", "broker-1", 1)); // another service
        storage.put("/same/i", "1"); // unfenced writes ignore fences
        assertTrue(storage.delete("/same/i"));
        assertEquals(Set.of("k", "j"), storage.children("/same"));
    }

    @Test
    void aFenceAloneKeepsTheDeposedLeaderOutOfANamespaceItsSuccessorHasNotWrittenYet() {
        storage.put("/config/topics/x", "old", OLD);
        storage.fence("/config/topics", NEW);
        storage.fence("/config/topics", NEW); // idempotent
        FencedOutException e = assertRefused(() -> storage.update("/config/topics/x", "stale", OLD));
        assertEquals("controller", e.service());
        assertEquals(4, e.epoch());
        assertEquals(5, e.newerEpoch());
        assertEquals(Optional.of(new Versioned("old", 1)), storage.fetchVersioned("/config/topics/x"));

        storage.fence("/empty/namespace", NEW); // a namespace with no key: the fence is its only content
        assertEquals(Set.of(), storage.children("/empty/namespace"));
        assertRefused(() -> storage.put("/empty/namespace/k", "v", OLD));
        storage.put("/empty/namespace/k", "v", NEW);
        assertEquals(Set.of("k"), storage.children("/empty/namespace"));
    }

    /**
     * A deposed leader and its successor write concurrently: once any write of the successor is acknowledged, no
     * write of the deposed leader is acknowledged after it, and every key ends at a value of one history.
     */
    @Test
    void concurrentWritesOfTwoEpochsNeverLetTheOlderLandAfterTheNewer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String ns = "/race/r" + round;
                Leadership older = new Leadership("race", "a", 2 * round + 1);
                Leadership newer = new Leadership("race", "b", 2 * round + 2);
                Future<List<String>> old = pool.submit(() -> writes(ns, older, "old"));
                Future<List<String>> young = pool.submit(() -> writes(ns, newer, "new"));
                List<String> oldLanded = old.get();
                List<String> newLanded = young.get();
                assertTrue(newLanded.stream().allMatch("landed"::equals), "the newer epoch is never refused");
                // After its first refusal, the older epoch never lands again in this namespace.
                int firstRefusal = oldLanded.indexOf("refused");
                if (firstRefusal >= 0) {
                    assertTrue(
                            oldLanded.subList(firstRefusal, oldLanded.size()).stream()
                                    .allMatch("refused"::equals),
                            oldLanded.toString());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Ten fenced puts on fresh keys of one namespace; each is "landed" or "refused". */
    private static List<String> writes(String ns, Leadership leadership, String who) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try {
                storage.put(ns + "/" + who + i, who, leadership);
                outcomes.add("landed");
            } catch (FencedOutException e) {
                outcomes.add("refused");
            }
        }
        return outcomes;
    }

    private static FencedOutException assertRefused(Executable write) {
        return assertThrows(FencedOutException.class, write);
    }
}
