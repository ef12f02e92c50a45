package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change feed on a real node: a writer's hint wakes the subscribers of its topic in another session, and the
 * reader's window keeps hints from slipping between two reads (a writer's clock behind the reader's, a read that
 * fails). Each test reads through a session of its own, since a reader is shared per session and keyspace; the
 * reader's clock is a test clock that the test moves.
 */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class ChangeFeedTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CassandraSettings settings;
    private static CqlSession writerSession;
    private static ChangeFeed writer;

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        writerSession = TestKeyspaces.open(settings);
        writer = new ChangeFeed(writerSession, settings);
    }

    @AfterAll
    static void close() {
        writerSession.close();
    }

    @Test
    void aHintWakesTheSubscribersOfItsTopicOnly() throws Exception {
        try (CqlSession session = TestKeyspaces.open(settings)) {
            ChangeFeed feed = new ChangeFeed(session, settings);
            AtomicInteger a = new AtomicInteger();
            AtomicInteger b = new AtomicInteger();
            AtomicInteger a2 = new AtomicInteger();
            try (ChangeFeed.Subscription sa = feed.subscribe("kv:/a", a::incrementAndGet);
                    ChangeFeed.Subscription sb = feed.subscribe("kv:/b", b::incrementAndGet);
                    ChangeFeed.Subscription sa2 = feed.subscribe("kv:/a", a2::incrementAndGet)) {
                ChangeFeedReader reader = ChangeFeedReader.of(session, settings.keyspace());
                assertNotNull(reader, "one reader for the session's subscribers");
                await("a first read", () -> reader.cycles() > 0);
                writer.announce("kv:/a");
                await("the subscribers of kv:/a woken", () -> a.get() == 1 && a2.get() == 1);
                long cyclesAfterWake = reader.cycles();
                await("two more read cycles", () -> reader.cycles() >= cyclesAfterWake + 2);
                assertEquals(1, a.get(), "a hint read again within the window is told once");
                assertEquals(0, b.get(), "another topic is not woken");
            }
            assertNull(ChangeFeedReader.of(session, settings.keyspace()), "the last unsubscribe stops it");
        }
    }

    @Test
    void aHintStampedBehindTheReadersClockWithinTheDriftAndALateWriteIsStillRead() throws Exception {
        try (CqlSession session = TestKeyspaces.open(settings)) {
            AtomicLong readerClock = new AtomicLong(System.currentTimeMillis());
            ChangeFeed feed = new ChangeFeed(session, settings, readerClock::get);
            AtomicInteger woken = new AtomicInteger();
            try (ChangeFeed.Subscription s = feed.subscribe("group:g", woken::incrementAndGet)) {
                ChangeFeedReader reader = ChangeFeedReader.of(session, settings.keyspace());
                long stamp = readerClock.get();
                // The reader runs ahead of the writer by the drift allowed plus a hint that took 900 ms to write.
                readerClock.addAndGet(settings.clockDrift().toMillis() + 900);
                long cycles = reader.cycles();
                await("reads with the reader ahead", () -> reader.cycles() >= cycles + 2);
                new ChangeFeed(writerSession, settings, () -> stamp).announce("group:g");
                await("the late hint read", () -> woken.get() == 1);
            }
        }
    }

    @Test
    void aReadThatFailsLeavesTheWindowForTheNextRead() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        AtomicLong failedReads = new AtomicLong();
        try (CqlSession real = TestKeyspaces.open(settings)) {
            CqlSession session = failingWhile(real, failing, failedReads);
            AtomicLong readerClock = new AtomicLong(System.currentTimeMillis());
            ChangeFeed feed = new ChangeFeed(session, settings, readerClock::get);
            AtomicInteger woken = new AtomicInteger();
            try (ChangeFeed.Subscription s = feed.subscribe("election:e", woken::incrementAndGet)) {
                ChangeFeedReader reader = ChangeFeedReader.of(session, settings.keyspace());
                await("a first read", () -> reader.cycles() > 0);
                failing.set(true);
                long stamp = readerClock.get();
                new ChangeFeed(writerSession, settings, () -> stamp).announce("election:e");
                // While reads fail, the reader's clock moves 5 s on: far past the window of the last good read.
                readerClock.addAndGet(5_000);
                long failed = failedReads.get();
                await("reads failing", () -> failedReads.get() >= failed + 2);
                failing.set(false);
                await("the hint read once reads work again", () -> woken.get() == 1);
            }
        }
    }

    @Test
    void aGapLongerThanTheHintsLastWakesEverySubscriber() throws Exception {
        try (CqlSession session = TestKeyspaces.open(settings)) {
            AtomicLong readerClock = new AtomicLong(System.currentTimeMillis());
            ChangeFeed feed = new ChangeFeed(session, settings, readerClock::get);
            AtomicInteger x = new AtomicInteger();
            AtomicInteger y = new AtomicInteger();
            try (ChangeFeed.Subscription sx = feed.subscribe("kv:/x", x::incrementAndGet);
                    ChangeFeed.Subscription sy = feed.subscribe("kv:/y", y::incrementAndGet)) {
                ChangeFeedReader reader = ChangeFeedReader.of(session, settings.keyspace());
                await("a first read", () -> reader.cycles() > 0);
                readerClock.addAndGet(ChangeFeedReader.MAX_GAP_MILLIS + 1_000);
                await("every subscriber woken", () -> x.get() == 1 && y.get() == 1);
            }
        }
    }

    @Test
    void aQuietReaderWaitsLongerUntilItReadsANewHintOrItsSessionAnnouncesOne() throws Exception {
        try (CqlSession session = TestKeyspaces.open(settings)) {
            AtomicLong clock = new AtomicLong(System.currentTimeMillis());
            ChangeFeed feed = new ChangeFeed(session, settings, clock::get);
            long period = settings.changesPeriod().toMillis();
            long quiet = ChangeFeedReader.QUIET_FACTOR * period;
            try (ChangeFeed.Subscription s = feed.subscribe("kv:/quiet", () -> {})) {
                ChangeFeedReader reader = ChangeFeedReader.of(session, settings.keyspace());
                assertEquals(period, reader.delayMillis(), "active as it starts");
                clock.addAndGet(ChangeFeedReader.ACTIVE_MILLIS);
                assertEquals(quiet, reader.delayMillis(), "quiet after a spell without hints");
                // A hint of a topic nobody here watches still says that changes are coming.
                new ChangeFeed(writerSession, settings, clock::get).announce("kv:/elsewhere");
                await("the hint read", () -> reader.delayMillis() == period);
                clock.addAndGet(ChangeFeedReader.ACTIVE_MILLIS);
                assertEquals(quiet, reader.delayMillis(), "quiet again");
                feed.announce("kv:/quiet");
                assertEquals(period, reader.delayMillis(), "a write announced through its own session");
            }
        }
    }

    @Test
    void announcesOfATopicInABurstShareAHintStampedAfterTheLastOfThem() throws Exception {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        long first = clock.get();
        ChangeFeed feed = new ChangeFeed(writerSession, settings, clock::get);
        String topic = "kv:/burst-" + UUID.randomUUID();
        for (int i = 0; i < 100; i++) {
            clock.incrementAndGet(); // each announce later than the one before, by this feed's clock
            feed.announce(topic);
        }
        long last = clock.get();
        ChangeFeed.awaitAnnounced(); // sent; then written, soon
        await(
                "a hint stamped after the last announce",
                () -> hintStamps(topic, first, last).stream().anyMatch(stamp -> stamp >= last));
        List<Long> stamps = hintStamps(topic, first, last);
        assertTrue(stamps.size() < 50, "a hint per announce, or nearly: " + stamps.size());
    }

    private static List<Long> hintStamps(String topic, long from, long to) {
        List<Long> stamps = new ArrayList<>();
        for (Row row : writerSession.execute(
                "SELECT at, topic FROM " + settings.keyspace() + ".changes WHERE slot IN ?",
                LongStream.rangeClosed(
                                Math.floorDiv(from, ChangeFeed.SLOT_MILLIS), Math.floorDiv(to, ChangeFeed.SLOT_MILLIS))
                        .boxed()
                        .toList())) {
            if (row.getString("topic").equals(topic)) {
                stamps.add(Uuids.unixTimestamp(row.getUuid("at")));
            }
        }
        return stamps;
    }

    @Test
    void aFeedTurnedOffSubscribesNothing() {
        CassandraSettings off = TestKeyspaces.settings(CASSANDRA.cluster())
                .keyspace(settings.keyspace())
                .changesPeriod(java.time.Duration.ZERO)
                .build();
        ChangeFeed feed = new ChangeFeed(writerSession, off);
        try (ChangeFeed.Subscription s = feed.subscribe("kv:/off", () -> fail("woken"))) {
            assertNull(ChangeFeedReader.of(writerSession, settings.keyspace()));
        }
    }

    @Test
    void aSchemaMadeBeforeTheFeedWorksWithoutIt() {
        CassandraSettings older = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        try (CqlSession session = TestKeyspaces.open(older)) {
            session.execute("DROP TABLE " + older.keyspace() + ".changes");
            Schema.requireExisting(session, older); // an operator's schema.create=false deployment still starts
            ChangeFeed feed = new ChangeFeed(session, older);
            assertFalse(feed.available());
            feed.announce("kv:/x");
            assertEquals(0, feed.failedHints(), "nothing sent, nothing failed");
            try (ChangeFeed.Subscription s = feed.subscribe("kv:/x", () -> fail("woken"))) {
                assertNull(ChangeFeedReader.of(session, older.keyspace()));
            }
        }
    }

    /** {@code session}, whose executions fail as unavailable while {@code failing} is set. */
    private static CqlSession failingWhile(CqlSession session, AtomicBoolean failing, AtomicLong failed) {
        return (CqlSession) Proxy.newProxyInstance(
                ChangeFeedTest.class.getClassLoader(), new Class<?>[] {CqlSession.class}, (proxy, method, args) -> {
                    if (method.getName().equals("execute") && failing.get()) {
                        failed.incrementAndGet();
                        throw new UnavailableException(null, null, 1, 0);
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not in 10 s: " + what);
            Thread.sleep(5);
        }
    }
}
