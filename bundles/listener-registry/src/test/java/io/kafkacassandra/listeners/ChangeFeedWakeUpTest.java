package io.kafkacassandra.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import io.kafkacassandra.storage.CassandraStorage;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes made through another session (another process, as far as Cassandra can tell) reach listeners through
 * the change feed: each namespace's own poll runs only every minute here, so a change told within seconds was told
 * because its writer's hint woke the poll.
 */
class ChangeFeedWakeUpTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final long WAIT_MS = 5_000;

    private static CqlSession watcherSession;
    private static CqlSession writerSession;
    private static CassandraListenerRegistry registry;
    private static CassandraStorage writer;

    @BeforeAll
    static void open() {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .safetyPollPeriod(Duration.ofMinutes(1))
                .build();
        watcherSession = TestKeyspaces.open(settings);
        writerSession = TestKeyspaces.open(settings);
        registry = new CassandraListenerRegistry(watcherSession, settings);
        writer = new CassandraStorage(writerSession, settings);
    }

    @AfterAll
    static void close() {
        registry.close();
        writer.close();
        watcherSession.close();
        writerSession.close();
    }

    @Test
    void everyWriteOfAnotherSessionReachesTheListenersWithinSecondsNotAPollPeriod() throws Exception {
        BlockingQueue<Optional<String>> values = new LinkedBlockingQueue<>();
        BlockingQueue<Set<String>> keySets = new LinkedBlockingQueue<>();
        registry.addValueChangeListener("/feed/k", values::add);
        registry.addKeySetChangeListener("/feed", keySets::add);
        assertEquals(Optional.empty(), next(values), "the first poll, at registration");
        assertEquals(Set.of(), next(keySets));

        writer.put("/feed/k", "v1");
        assertEquals(Optional.of("v1"), next(values));
        assertEquals(Set.of("k"), next(keySets));
        writer.update("/feed/k", "v2");
        assertEquals(Optional.of("v2"), next(values));
        assertEquals(Optional.of(3L), writer.compareAndSet("/feed/k", 2, "v3"));
        assertEquals(Optional.of("v3"), next(values));
        writer.delete("/feed/k");
        assertEquals(Optional.empty(), next(values));
        assertEquals(Set.of(), next(keySets));
    }

    private static <T> T next(BlockingQueue<T> events) throws InterruptedException {
        T event = events.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(event, "no event within " + WAIT_MS + " ms (the namespace's own poll runs every minute)");
        return event;
    }
}
