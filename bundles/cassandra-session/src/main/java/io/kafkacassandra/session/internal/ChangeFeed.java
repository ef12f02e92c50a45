package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.kafkacassandra.session.CassandraSettings;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed of a keyspace (table {@code changes}): writers {@link #announce} what they changed, watchers
 * {@link #subscribe} to be woken when it changes, so that they poll it at once instead of at their next period.
 *
 * <p>A hint is only a wake-up, never state: the watcher's poll reads the state itself, so an extra or repeated
 * hint costs one read and a lost one delays the watcher until its own periodic poll. Hints can be lost: a writer
 * that dies between its write and the hint, a hint write that fails, a writer whose clock lags the watcher's by
 * more than the clock drift allowed, a hint that takes longer than {@link ChangeFeedReader#LATE_HINT_MILLIS} to
 * be written. Hence the services keep polling as the source of truth.
 *
 * <p>One handle per service; the reading is shared by every service of the same session and keyspace (one read per
 * {@code plugin.cassandra.changes.period.ms} while changes come, per two when quiet, whatever the number of watched
 * topics).
 */
public final class ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /**
     * A partition of hints per ten seconds of the writer's clock: a read of the recent hints then mostly touches one
     * partition (with one-second slots, the reader's window of more than a second always spans two).
     */
    static final long SLOT_MILLIS = 10_000;
    /**
     * How long a hint waits for more announces of its topic to share it. A burst of writes to one namespace (a
     * caller's back-to-back updates, a controller's many changes) then costs Cassandra a hint per few milliseconds
     * instead of one per write, and each watcher learns of it at most this much later.
     */
    static final long COALESCE_MILLIS = 2;

    /**
     * The JVM's delay thread (CompletableFuture's), which runs each hint's stamp and non-blocking send itself. It
     * is made on first use with the context class loader of the thread that used it, and lives as long as the JVM:
     * this class uses it first with none, so that it pins no bundle's class loader in a container.
     */
    private static final Executor AFTER_COALESCING =
            CompletableFuture.delayedExecutor(COALESCE_MILLIS, TimeUnit.MILLISECONDS, Runnable::run);

    static {
        Thread current = Thread.currentThread();
        ClassLoader loader = current.getContextClassLoader();
        current.setContextClassLoader(null);
        try {
            AFTER_COALESCING.execute(() -> {});
        } finally {
            current.setContextClassLoader(loader);
        }
    }

    private final CqlSession session;
    private final CassandraSettings settings;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final LongSupplier wallClock;
    private final AtomicLong failedHints = new AtomicLong();
    /** Topics with a hint to be sent, not yet stamped. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    public ChangeFeed(CqlSession session, CassandraSettings settings) {
        this(session, settings, System::currentTimeMillis);
    }

    /** Tests only: a feed whose hints are stamped by {@code wallClock} (milliseconds since the epoch). */
    ChangeFeed(CqlSession session, CassandraSettings settings, LongSupplier wallClock) {
        this.session = session;
        this.settings = settings;
        this.wallClock = wallClock;
        String table = settings.keyspace() + ".changes";
        PreparedStatement i = null;
        PreparedStatement q = null;
        try {
            i = session.prepare("INSERT INTO " + table + " (slot, at, topic) VALUES (?, ?, ?)");
            q = session.prepare("SELECT at, topic FROM " + table + " WHERE slot IN ? AND at >= ?");
        } catch (InvalidQueryException e) {
            // A schema an operator created before the feed existed (plugin.cassandra.schema.create=false): the
            // services work as they did, by polls alone, until the table is created.
            LOG.warn(
                    "table {} does not exist: changes are seen at each poll period only, not at once; create it"
                            + " with the CREATE TABLE of the shipped schema.cql ({})",
                    table,
                    e.getMessage());
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, table, e);
        }
        insert = i;
        select = q;
    }

    /** Whether the feed's table exists: without it, nothing is announced and nothing wakes. */
    public boolean available() {
        return insert != null;
    }

    /** The topic of a namespace of the key-value storage. */
    public static String namespaceTopic(String namespace) {
        return "kv:" + namespace;
    }

    public static String electionTopic(String service) {
        return "election:" + service;
    }

    public static String groupTopic(String group) {
        return "group:" + group;
    }

    /**
     * Appends a hint that {@code topic} changed, without waiting: call it after a write was applied or may have
     * been (an unknown outcome), never before, so that a watcher woken by it reads the write. The hint is stamped and
     * sent {@link #COALESCE_MILLIS} later, shared by every announce of the topic until then: each announce is
     * followed by a hint stamped after it.
     */
    public void announce(String topic) {
        if (insert == null) {
            return;
        }
        ChangeFeedReader.announced(session, settings.keyspace());
        if (!queued.add(topic)) {
            return; // a hint of the topic is yet to be stamped: it will be after this announce
        }
        try {
            AFTER_COALESCING.execute(() -> {
                queued.remove(topic); // before the stamp: an announce from here on queues a hint of its own
                send(topic);
            });
        } catch (RuntimeException e) { // the JVM's delay scheduler refused it: the hint is lost, the write is not
            queued.remove(topic);
            failedHints.incrementAndGet();
        }
    }

    /**
     * Returns once every hint announced before the call, by any feed of this JVM, has been sent, or after 5 s: before
     * a session closes, and in tests.
     */
    public static void awaitAnnounced() {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            AFTER_COALESCING.execute(() -> sent.complete(null)); // runs after the hints queued before it, in order
            sent.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("hints announced may not have been sent: {}", e.toString());
        }
    }

    private void send(String topic) {
        UUID at = at(wallClock.getAsLong());
        long slot = Math.floorDiv(Uuids.unixTimestamp(at), SLOT_MILLIS);
        try {
            session.executeAsync(insert.bind(slot, at, topic)
                            .setIdempotent(true)
                            .setConsistencyLevel(ConsistencyLevel.QUORUM))
                    .whenComplete((rs, e) -> {
                        if (e != null) {
                            failedHints.incrementAndGet();
                            LOG.debug("hint of a change of {} not written: {}", topic, e.toString());
                        }
                    });
        } catch (RuntimeException e) { // a closed session: the hint is lost, the write is not
            failedHints.incrementAndGet();
        }
    }

    /**
     * A time-based id at {@code millis} whose clock sequence and node are random: two hints of one topic must never
     * be one row, or a reader that saw the first would take the second for it.
     */
    static UUID at(long millis) {
        long random = ThreadLocalRandom.current().nextLong();
        return new UUID(
                Uuids.startOf(millis).getMostSignificantBits(), (random & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    }

    /** Wake-ups of one subscriber, until closed; closing twice is closing once. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Hints this handle failed to write since it was made. */
    public long failedHints() {
        return failedHints.get();
    }

    /**
     * Wakes {@code wake} whenever a hint of {@code topic} is read, until the returned subscription is closed; a
     * no-op subscription if the feed is off ({@code plugin.cassandra.changes.period.ms=0}). {@code wake} runs on
     * the feed's thread: it must only hand the work to another thread, never block nor take a lock held while
     * subscribing.
     */
    public Subscription subscribe(String topic, Runnable wake) {
        if (!settings.changeFeedOn() || select == null) {
            return () -> {};
        }
        return ChangeFeedReader.subscribe(session, settings, select, wallClock, topic, wake);
    }
}
