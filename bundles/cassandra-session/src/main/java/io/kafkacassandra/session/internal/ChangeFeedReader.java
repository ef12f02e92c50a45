package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.monitoring.Outcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the change feed of one session and keyspace for all its subscribers, on one thread: every period, the
 * hints stamped since the previous read began, less a lag, and wakes the subscribers of each topic named by a hint
 * not seen before. Runs while it has subscribers.
 *
 * <p>The lag is what keeps hints from slipping past between two reads: a hint is stamped by its writer's clock
 * when it is sent, so one sent by a writer whose clock is behind this one's (by up to the clock drift allowed),
 * or one still being written when a read ran (for up to {@link #LATE_HINT_MILLIS}), carries a time before that
 * read began. Hints within the lag are read again, and told once: the ids seen are remembered until they fall
 * out of the window. A read that fails leaves the window where it was, so that the next read covers the gap; a
 * gap longer than {@link #MAX_GAP_MILLIS} (an outage, hints may have expired) wakes every subscriber instead.
 *
 * <p>Each read costs the client a few thread wake-ups whatever it finds, which at tens of reads a second is most of
 * an idle watcher's CPU. So the reader reads every period while changes come (for {@link #ACTIVE_MILLIS} after a new
 * hint, or after a write of this session announced one), and {@link #QUIET_FACTOR} times less often once it is
 * quiet: the first change after a quiet spell waits up to one longer period more.
 */
final class ChangeFeedReader {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedReader.class);
    /** How long a hint may take to be written and still be read: longer ones are lost (see ChangeFeed). */
    static final long LATE_HINT_MILLIS = 1_000;
    /** Half the hints' TTL: a longer gap between two reads wakes every subscriber. */
    static final long MAX_GAP_MILLIS = 30_000;
    /** How long after the last new hint, or the last hint announced through its session, a reader stays active. */
    static final long ACTIVE_MILLIS = 5_000;
    /** How many periods a quiet reader waits between two reads. */
    static final int QUIET_FACTOR = 2;

    /** Changed under ChangeFeedReader.class; read without it by announcers. */
    private static final Map<Key, ChangeFeedReader> SHARED = new ConcurrentHashMap<>();

    /** A session by identity (a session proxy may not be equal to itself) and a keyspace. */
    private record Key(CqlSession session, String keyspace) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.session == session && k.keyspace.equals(keyspace);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(session) * 31 + keyspace.hashCode();
        }
    }

    private final Key key;
    private final PreparedStatement select;
    private final LongSupplier wallClock;
    private final long driftMillis;
    private final long lagMillis;
    private final long periodMillis;
    private final ScheduledExecutorService thread;
    private final SurvivingTask task;
    /** Modified under ChangeFeedReader.class, read by the reading thread. */
    private final Map<String, List<Subscription>> subscribers = new ConcurrentHashMap<>();

    private final OutageLog outage;
    private final AtomicLong cycles = new AtomicLong();
    /** Wall-clock millis of the last new hint read, or of the last announce through this session. */
    private volatile long lastActivity;
    // The reading thread's own state.
    private long cursor; // wall-clock millis: the next read covers hints stamped from here on
    private long lastRead; // wall-clock millis at the start of the last successful read
    private final Map<UUID, Long> seen = new HashMap<>(); // hints told, with their stamp, while within the window

    private ChangeFeedReader(Key key, CassandraSettings settings, PreparedStatement select, LongSupplier wallClock) {
        this.key = key;
        this.select = select;
        this.wallClock = wallClock;
        this.driftMillis = settings.clockDrift().toMillis();
        this.lagMillis = driftMillis + LATE_HINT_MILLIS;
        this.lastRead = wallClock.getAsLong();
        this.lastActivity = lastRead; // a new subscriber is about to wait for something
        this.cursor = lastRead - lagMillis;
        this.outage = new OutageLog(LOG, "the read of the change feed of " + key.keyspace, new Outcomes() {
            @Override
            public void succeeded(long nanos) {}

            @Override
            public void failed(Throwable cause) {}
        });
        this.periodMillis = settings.changesPeriod().toMillis();
        this.thread = DaemonThreads.scheduler("kafka-cassandra-changes-" + key.keyspace);
        this.task = new SurvivingTask("read of the change feed", this::read);
        thread.schedule(this::cycle, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** One read, then the next one scheduled: after a period while active, after QUIET_FACTOR periods once quiet. */
    private void cycle() {
        try {
            task.run();
        } finally { // even after an Error: the reader must not end silently
            try {
                thread.schedule(this::cycle, delayMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shut down: its last subscriber left
            }
        }
    }

    /** The wait before the next read; a quiet one stays under half the gap that wakes every subscriber. */
    long delayMillis() {
        boolean active = wallClock.getAsLong() - lastActivity < ACTIVE_MILLIS;
        return active
                ? periodMillis
                : Math.min(QUIET_FACTOR * periodMillis, Math.max(periodMillis, MAX_GAP_MILLIS / 2));
    }

    /**
     * Marks the reader of {@code session}'s {@code keyspace}, if it runs, active: a write made here is often the
     * start of changes that others make in answer (a leader's write, then its followers').
     */
    static void announced(CqlSession session, String keyspace) {
        ChangeFeedReader reader = SHARED.get(new Key(session, keyspace));
        if (reader != null) {
            reader.lastActivity = reader.wallClock.getAsLong();
        }
    }

    /** A wake-up of one subscriber, ended once by close(). */
    private static final class Subscription implements ChangeFeed.Subscription {
        final ChangeFeedReader reader;
        final String topic;
        final Runnable wake;
        final AtomicBoolean closed = new AtomicBoolean();

        Subscription(ChangeFeedReader reader, String topic, Runnable wake) {
            this.reader = reader;
            this.topic = topic;
            this.wake = wake;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                reader.unsubscribe(this);
            }
        }
    }

    static ChangeFeed.Subscription subscribe(
            CqlSession session,
            CassandraSettings settings,
            PreparedStatement select,
            LongSupplier wallClock,
            String topic,
            Runnable wake) {
        synchronized (ChangeFeedReader.class) {
            ChangeFeedReader reader = SHARED.computeIfAbsent(
                    new Key(session, settings.keyspace()), k -> new ChangeFeedReader(k, settings, select, wallClock));
            Subscription s = new Subscription(reader, topic, wake);
            reader.subscribers
                    .computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>())
                    .add(s);
            return s;
        }
    }

    private void unsubscribe(Subscription s) {
        boolean last = false;
        synchronized (ChangeFeedReader.class) {
            List<Subscription> list = subscribers.get(s.topic);
            if (list != null && list.remove(s) && list.isEmpty()) {
                subscribers.remove(s.topic);
            }
            if (subscribers.isEmpty() && SHARED.get(key) == this) {
                SHARED.remove(key); // a later subscriber starts a reader of its own
                last = true;
            }
        }
        if (last) {
            // Waits for a read in progress (at most the request timeout), outside the lock: the reading thread
            // takes no lock and never blocks on a subscriber, so the caller may hold its own.
            DaemonThreads.shutdown(thread);
        }
    }

    /** The reader of {@code session}'s {@code keyspace}, or null; for tests. */
    static ChangeFeedReader of(CqlSession session, String keyspace) {
        return SHARED.get(new Key(session, keyspace));
    }

    /** Successful read cycles so far (each reads the partitions of its window, then wakes subscribers). */
    long cycles() {
        return cycles.get();
    }

    /** On the reading thread. */
    private void read() {
        long now = wallClock.getAsLong();
        long from = Math.min(cursor, now - lagMillis); // a clock set back must not skip the hints stamped since
        boolean gap = now - lastRead > MAX_GAP_MILLIS;
        if (gap) {
            from = now - lagMillis;
        }
        List<Row> rows = new ArrayList<>();
        long started = System.nanoTime();
        try {
            UUID fromId = Uuids.startOf(from);
            // Writers ahead of this clock (by up to the drift) stamp hints into slots still to come here.
            long last = Math.floorDiv(now + driftMillis, ChangeFeed.SLOT_MILLIS);
            List<Long> slots = new ArrayList<>();
            for (long slot = Math.floorDiv(from, ChangeFeed.SLOT_MILLIS); slot <= last; slot++) {
                slots.add(slot);
            }
            // One request for the window's slots (often two): a request's wake-ups cost more here than its rows.
            rows.addAll(key.session
                    .execute(CqlRunner.asRead(select.bind(slots, fromId).setConsistencyLevel(ConsistencyLevel.QUORUM)))
                    .all());
        } catch (RuntimeException e) {
            outage.failed(e); // the window stays: the next read covers it
            return;
        }
        outage.succeeded(started);
        if (gap) {
            seen.clear();
            LOG.info(
                    "the change feed of {} was not read for more than {} s: every watcher polls now",
                    key.keyspace,
                    MAX_GAP_MILLIS / 1000);
            subscribers.values().forEach(list -> list.forEach(this::wake));
        }
        for (Row row : rows) {
            UUID at = row.getUuid(0);
            if (seen.putIfAbsent(at, Uuids.unixTimestamp(at)) == null) {
                lastActivity = now;
                List<Subscription> list = subscribers.get(row.getString(1));
                if (list != null) {
                    list.forEach(this::wake);
                }
            }
        }
        lastRead = now;
        cursor = now - lagMillis;
        seen.values().removeIf(stamp -> stamp < cursor);
        cycles.incrementAndGet();
    }

    private void wake(Subscription s) {
        try {
            s.wake.run();
        } catch (RuntimeException e) {
            LOG.warn("a wake-up of {} failed", s.topic, e);
        }
    }
}
