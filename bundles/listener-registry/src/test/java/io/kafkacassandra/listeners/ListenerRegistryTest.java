package io.kafkacassandra.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import io.kafkacassandra.storage.CassandraStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.plugin.interfaces.KeySetChangeListener;
import org.apache.kafka.plugin.interfaces.ValueChangeListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ListenerRegistryTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final Duration POLL = Duration.ofMillis(100);
    /** One poll period plus generous room for a read on a loaded two-core machine. */
    private static final long WAIT_MS = 5_000;

    private static CassandraSettings settings;
    private static CqlSession session;
    private static CassandraStorage storage;
    private CassandraListenerRegistry registry;

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(POLL)
                .safetyPollPeriod(POLL) // every namespace polled as often as the change feed is read here
                .build();
        session = TestKeyspaces.open(settings);
        storage = new CassandraStorage(session, settings);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @BeforeEach
    void newRegistry() {
        registry = new CassandraListenerRegistry(session, settings);
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    /** Records what a value listener is told. */
    static final class Values implements ValueChangeListener {
        final BlockingQueue<Optional<String>> events = new LinkedBlockingQueue<>();

        @Override
        public void valueChanged(Optional<String> newValue) {
            events.add(newValue);
        }

        Optional<String> next() throws InterruptedException {
            Optional<String> event = events.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(event, "no event within " + WAIT_MS + " ms");
            return event;
        }
    }

    static final class KeySets implements KeySetChangeListener {
        final BlockingQueue<Set<String>> events = new LinkedBlockingQueue<>();

        @Override
        public void keySetChanged(Set<String> newKeySet) {
            events.add(newKeySet);
        }

        Set<String> next() throws InterruptedException {
            Set<String> event = events.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(event, "no event within " + WAIT_MS + " ms");
            return event;
        }
    }

    @Test
    void valueListenerHearsCreationUpdateAndDeletion() throws Exception {
        Values values = new Values();
        registry.addValueChangeListener("/config/topics/orders", values);
        assertEquals(Optional.empty(), values.next(), "first event: the current state, no such key");

        storage.put("/config/topics/orders", "retention=1d");
        assertEquals(Optional.of("retention=1d"), values.next());
        storage.update("/config/topics/orders", "retention=7d");
        assertEquals(Optional.of("retention=7d"), values.next());
        storage.delete("/config/topics/orders");
        assertEquals(Optional.empty(), values.next(), "a deleted key is reported empty");
        storage.put("/config/topics/orders", "back");
        assertEquals(Optional.of("back"), values.next());
    }

    @Test
    void valuesNeverGoBackwardsAndTheLastOneAlwaysArrives() throws Exception {
        storage.put("/seq/counter", "0");
        Values values = new Values();
        registry.addValueChangeListener("/seq/counter", values);
        for (int i = 1; i <= 40; i++) {
            storage.update("/seq/counter", Integer.toString(i));
        }
        int last = -1;
        while (last != 40) {
            int seen = Integer.parseInt(values.next().orElseThrow());
            assertTrue(seen > last, "value " + seen + " came after " + last);
            last = seen;
        }
    }

    @Test
    void keySetListenerHearsChildrenComeAndGo() throws Exception {
        storage.put("/brokers/ids/1", "host1");
        KeySets sets = new KeySets();
        registry.addKeySetChangeListener("/brokers/ids", sets);
        assertEquals(Set.of("1"), sets.next());
        storage.put("/brokers/ids/2", "host2");
        assertEquals(Set.of("1", "2"), sets.next());
        storage.update("/brokers/ids/2", "host2b");
        storage.delete("/brokers/ids/1");
        assertEquals(Set.of("2"), sets.next(), "a value change alone does not change the key set");
        storage.put("/brokers/ids/2/nested", "x");
        storage.put("/brokers/ids/3", "host3");
        assertEquals(Set.of("2", "3"), sets.next(), "grandchildren are not children");
    }

    @Test
    void manyListenersShareOnePollerAndAThrowingOneHarmsNoOther() throws Exception {
        List<Values> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Values v = new Values();
            many.add(v);
            registry.addValueChangeListener("/shared/k" + (i % 5), v);
        }
        AtomicInteger thrown = new AtomicInteger();
        registry.addValueChangeListener("/shared/k0", value -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("a broken listener");
        });
        KeySets sets = new KeySets();
        registry.addKeySetChangeListener("/shared", sets);
        assertEquals(1, registry.activePollers(), "one poller for the namespace, whatever the listeners");

        for (int i = 0; i < 5; i++) {
            storage.put("/shared/k" + i, "v" + i);
        }
        for (int i = 0; i < 50; i++) {
            Values v = many.get(i);
            Optional<String> last = v.next();
            while (last.isEmpty()) {
                last = v.next();
            }
            assertEquals(Optional.of("v" + (i % 5)), last, "listener " + i);
        }
        storage.update("/shared/k0", "again");
        assertEquals(Optional.of("again"), lastOf(many.get(0)));
        assertTrue(thrown.get() >= 2, "the throwing listener stays registered and keeps being called");
        Set<String> keys = sets.next();
        while (keys.size() < 5) {
            keys = sets.next();
        }
        assertEquals(Set.of("k0", "k1", "k2", "k3", "k4"), keys);
    }

    private static Optional<String> lastOf(Values v) throws InterruptedException {
        Optional<String> event = v.next();
        while (!event.equals(Optional.of("again"))) {
            event = v.next();
        }
        return event;
    }

    @Test
    void removingTheLastListenerStopsPollingAndCloseLeavesNoThread() throws Exception {
        Values a = new Values();
        Values b = new Values();
        KeySets s = new KeySets();
        registry.addValueChangeListener("/stop/a", a);
        registry.addValueChangeListener("/stop/b", b);
        registry.addKeySetChangeListener("/other", s);
        assertEquals(2, registry.activePollers());
        a.next();
        registry.removeValueChangeListener("/stop/a", a);
        assertEquals(2, registry.activePollers(), "b still listens in /stop");
        registry.removeValueChangeListener("/stop/b", b);
        registry.removeKeySetChangeListener("/other", s);
        assertEquals(0, registry.activePollers());

        storage.put("/stop/a", "unheard");
        Thread.sleep(POLL.toMillis() * 5);
        assertTrue(a.events.isEmpty(), "a removed listener hears nothing: " + a.events);

        registry.close();
        registry.close();
        assertEquals(0, threadsNamed("kafka-cassandra-listener"));
        assertThrows(IllegalStateException.class, () -> registry.addValueChangeListener("/stop/a", new Values()));
    }

    @Test
    void badKeysAndNamespacesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> registry.addValueChangeListener("no-slash", new Values()));
        assertThrows(IllegalArgumentException.class, () -> registry.addValueChangeListener("/", new Values()));
        assertThrows(IllegalArgumentException.class, () -> registry.addKeySetChangeListener("/a/../b", new KeySets()));
        assertThrows(NullPointerException.class, () -> registry.addValueChangeListener("/a", null));
        assertThrows(IllegalArgumentException.class, () -> registry.init("context"));
        assertEquals(0, registry.activePollers());
    }

    static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    /**
     * A listener added while the last listener of its namespace is being removed must not be attached to the
     * poller that the removal stops (it would never hear a change). The hook holds the attach between finding
     * the poller and attaching to it, while another thread removes the last listener.
     */
    @Test
    void aListenerAddedWhileTheLastOneIsRemovedKeepsItsNamespacePolled() throws Exception {
        storage.put("/race/attach", "1");
        Values first = new Values();
        registry.addValueChangeListener("/race/attach", first);
        assertEquals(Optional.of("1"), first.next());

        java.util.concurrent.CountDownLatch attaching = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch removed = new java.util.concurrent.CountDownLatch(1);
        registry.beforeAttach = () -> {
            attaching.countDown();
            try {
                removed.await(1, TimeUnit.SECONDS); // with the fix the removal waits for the attach instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Values second = new Values();
        Thread remover = new Thread(() -> {
            try {
                attaching.await();
            } catch (InterruptedException e) {
                return;
            }
            registry.removeValueChangeListener("/race/attach", first);
            removed.countDown();
        });
        remover.start();
        registry.addValueChangeListener("/race/attach", second);
        remover.join(5_000);
        registry.beforeAttach = () -> {};

        assertEquals(Optional.of("1"), second.next());
        assertEquals(1, registry.activePollers());
        storage.update("/race/attach", "2");
        assertEquals(Optional.of("2"), second.next());
    }

    /**
     * A key deleted, its marker purged (the namespace's floor raised) and created again: its watcher hears the
     * deletion and the new value, whose version is above every version it heard before.
     */
    @Test
    void aKeyCreatedAgainAfterItsMarkerWasPurgedIsDelivered() throws Exception {
        storage.put("/purged/a", "1");
        Values values = new Values();
        KeySets keys = new KeySets();
        registry.addValueChangeListener("/purged/a", values);
        registry.addKeySetChangeListener("/purged", keys);
        assertEquals(Optional.of("1"), values.next());
        assertEquals(Set.of("a"), keys.next());

        assertTrue(storage.delete("/purged/a"));
        assertEquals(1, storage.purgeDeletionMarkers("/purged", Duration.ZERO));
        assertEquals(Optional.empty(), values.next());
        assertEquals(Set.of(), keys.next());

        storage.put("/purged/a", "2");
        assertEquals(Optional.of("2"), values.next());
        assertEquals(Set.of("a"), keys.next());
    }

    /** A namespace of more than one page of rows (the driver pages by 5,000) is read whole by each poll. */
    @Test
    void aNamespaceOfMoreThanOnePageIsPolledWhole() throws Exception {
        int count = 5_001;
        // Rows as the storage writes them, loaded in batches so that the test takes seconds (LWTs would not).
        for (int first = 0; first < count; first += 100) {
            StringBuilder batch = new StringBuilder("BEGIN UNLOGGED BATCH ");
            for (int i = first; i < Math.min(count, first + 100); i++) {
                batch.append("INSERT INTO ")
                        .append(settings.keyspace())
                        .append(".kv (namespace, name, value, version)" + " VALUES ('/paged', 'k")
                        .append(i)
                        .append("', 'v', 1); ");
            }
            session.execute(batch.append("APPLY BATCH").toString());
        }
        KeySets keys = new KeySets();
        registry.addKeySetChangeListener("/paged", keys);
        assertEquals(count, keys.next().size());
        storage.put("/paged/last", "v");
        assertEquals(count + 1, keys.next().size());
    }
}
