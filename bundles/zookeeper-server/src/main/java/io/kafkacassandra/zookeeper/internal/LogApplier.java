package io.kafkacassandra.zookeeper.internal;

import io.kafkacassandra.session.monitoring.Outcomes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.OutstandingChanges;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.quorum.CommitProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the log's tail and hands every position, in order, to ZooKeeper's {@link CommitProcessor}, the way a
 * ZooKeeper observer commits what its leader sends: a position this instance wrote is committed as the local
 * requests it holds (their clients are answered), any other is decoded and committed as remote transactions (they
 * are applied, and fire this instance's watches). A position this instance appended is handed over by its
 * sequencer at once ({@link #handOwn}), without reading it back. The tail is read every tail-read period, soon
 * after another instance's nudge ({@link #nudge}), and at once when {@link #wake()} is called (a lost race for a
 * position, a catch-up that cannot wait).
 *
 * <p>Progress: {@link #handed()} is the last position handed over, with its last zxid; the database has applied
 * it when that zxid is the tree's last processed zxid and no prepared change is outstanding
 * ({@link #isQuiescent()}).
 */
public final class LogApplier implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogApplier.class);
    private static final int READ_LIMIT = 32; // positions per read: up to a few MB, within a read's timeout

    private final TransactionLogTable log;
    private final Outcomes reads; // each tail read, for the service's health and metrics
    private final CassandraZooKeeperServer zks;
    private final long periodNanos;
    private final Map<UUID, List<Request>> expected = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final Object handing = new Object(); // positions go to the commit processor once each, in order
    private static final long TRUNCATION_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(10);

    private volatile CommitProcessor commits;
    private Snapshots snapshots; // null: none taken, none checked
    private long nextTruncationCheck = System.nanoTime();
    private volatile Handed handed = new Handed(0, 0);
    private volatile boolean stopped;
    private boolean woken; // guarded by progress
    private boolean nudged; // guarded by progress
    /** The least time between the starts of two tail reads that nudges ask for. */
    static final long NUDGE_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private int failures;

    LogApplier(TransactionLogTable log, CassandraZooKeeperServer zks, Duration period, Outcomes reads) {
        this.log = log;
        this.reads = reads;
        this.zks = zks;
        this.periodNanos = period.toNanos();
    }

    /** Before {@link #start}: the log is read from after {@code from} (a snapshot's), and snapshots are taken. */
    void restoredFrom(Handed from, Snapshots snapshots) {
        this.handed = from;
        this.snapshots = snapshots;
    }

    void start(CommitProcessor commits) {
        this.commits = commits;
        Thread t = new Thread(this, "kafka-cassandra-zookeeper-log-applier");
        t.setDaemon(true);
        t.start();
    }

    /** The local requests of a batch about to be appended: if the log holds it, they are committed as they are. */
    void expect(UUID batch, List<Request> requests) {
        expected.put(batch, requests);
    }

    void forget(UUID batch) {
        expected.remove(batch);
    }

    /** The last position handed over and the zxid of its last transaction. */
    record Handed(long position, long zxid) {}

    Handed handed() {
        return handed;
    }

    /** Everything handed over is applied: the tree is at the state after {@link #handed()}. */
    boolean isQuiescent() {
        return isApplied(handed);
    }

    private boolean isApplied(Handed h) {
        return zks.getZKDatabase().getDataTreeLastProcessedZxid() == h.zxid() && OutstandingChanges.count(zks) == 0;
    }

    /**
     * Waits until everything handed over is applied, up to {@code minPosition} at least (an append there, won or
     * lost, is seen before the next is prepared), at most {@code timeout}, and returns the position at which it was
     * (null on timeout). The tree may move on right after; an append prepared on it then finds the next
     * position taken.
     */
    Handed awaitQuiescent(long minPosition, Duration timeout) throws InterruptedException {
        Handed[] at = new Handed[1];
        return await(() -> (at[0] = handed).position() >= minPosition && isApplied(at[0]) && handed == at[0], timeout)
                ? at[0]
                : null;
    }

    /** Reads the tail now instead of at the end of the period. */
    void wake() {
        synchronized (progress) {
            woken = true;
            progress.notifyAll();
        }
    }

    /**
     * Another instance appended at {@code position}: reads the tail soon (at once, unless a read started less than
     * {@link #NUDGE_FLOOR_NANOS} ago: a busy peer's nudges then share reads), if this instance has not handed it
     * over yet.
     */
    public void nudge(long position) {
        if (position > handed.position()) {
            synchronized (progress) {
                if (!nudged) { // a flood of nudges wakes the reader once, not every waiter each time
                    nudged = true;
                    progress.notifyAll();
                }
            }
        }
    }

    /** Called when the database applied something: wakes whoever waits for progress. */
    void applied() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Waits until {@code condition} holds (checked on every progress), at most {@code timeout}; whether it holds. */
    boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopped) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }
    }

    /**
     * Reads the tail now and waits until what it held is applied: afterwards this instance has seen every
     * position acknowledged before the call.
     */
    public boolean catchUp(Duration timeout) throws InterruptedException {
        long target = System.nanoTime();
        checkRequested = true;
        wake();
        return await(() -> lastReadStart - target >= 0 && isQuiescent(), timeout);
    }

    private volatile boolean checkRequested; // by catchUp: check for a deleted next position after the next read
    private volatile long lastReadStart = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    void stop() {
        stopped = true;
        wake();
    }

    @Override
    public void run() {
        while (!stopped) {
            long start = System.nanoTime();
            boolean force = checkRequested;
            checkRequested = false;
            int read = 0;
            try {
                TransactionLogTable.Tail tail;
                try {
                    tail = log.readAfter(handed.position(), READ_LIMIT);
                    reads.succeeded(System.nanoTime() - start);
                } catch (StoreUnavailableException e) {
                    reads.failed(e);
                    throw e;
                }
                for (TransactionLogTable.Entry entry : tail.entries()) {
                    handRead(entry);
                }
                read = tail.entries().size();
                if (read < READ_LIMIT) {
                    // a caller of catchUp must not take a deleted rest of a partition for the end of the log
                    checkNotTruncated(tail.gap() || force);
                    if (!tail.gap()) {
                        lastReadStart = start; // the tail as of start is handed over
                    }
                }
                if (failures > 0) {
                    LOG.info("reading the ZooKeeper log works again after {} failures", failures);
                    failures = 0;
                }
                if (snapshots != null) {
                    snapshot();
                }
            } catch (StoreUnavailableException e) {
                if (failures++ == 0) {
                    LOG.warn("cannot read the ZooKeeper log: {}", e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                stopped = true;
                zks.fail("applying the ZooKeeper log", e);
                return;
            }
            applied();
            if (read == READ_LIMIT) {
                continue; // more to read at once
            }
            synchronized (progress) {
                try {
                    for (long now = System.nanoTime(); !woken && !stopped; now = System.nanoTime()) {
                        long wait = periodNanos - (now - start);
                        if (nudged) {
                            wait = Math.min(wait, NUDGE_FLOOR_NANOS - (now - start));
                        }
                        if (wait <= 0) {
                            break;
                        }
                        TimeUnit.NANOSECONDS.timedWait(progress, wait);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                woken = false;
                nudged = false;
            }
        }
    }

    /** A snapshot of the state after what was handed over, if one is due: taken once all of it is applied. */
    private void snapshot() throws InterruptedException {
        if (!snapshots.isDue(handed)) {
            return;
        }
        // Nothing is handed over meanwhile (the sequencer hands its own positions too), so that the tree stops at
        // exactly the state after `at` and stays there while it is serialized.
        synchronized (handing) {
            Handed at = handed;
            beforeSnapshot.run();
            if (await(() -> zks.getZKDatabase().getDataTreeLastProcessedZxid() == at.zxid(), SNAPSHOT_WAIT)) {
                snapshots.take(zks.getZKDatabase(), at);
            }
        }
    }

    /** Tests only: runs before a due snapshot waits for the tree, with the position it is for chosen. */
    public volatile Runnable beforeSnapshot = () -> {};

    /**
     * At the tail as far as a read can tell (or stopped by a gap): fails if the next position was deleted below a
     * snapshot (this instance fell behind the kept log), rather than serve a tree that no longer moves and take the
     * end of what is left for the end of the log. Checked at once at a gap or for a caller of {@link #catchUp}, and
     * every few seconds otherwise (a deleted rest of a partition reads as empty). Restarting the instance loads the newest snapshot.
     */
    private void checkNotTruncated(boolean atOnce) {
        long now = System.nanoTime();
        if (!atOnce && now - nextTruncationCheck < 0) {
            return;
        }
        nextTruncationCheck = now + TRUNCATION_CHECK_NANOS;
        long next = handed.position() + 1;
        if (log.isDeleted(next)) {
            throw new IllegalStateException("position " + next + " of the log was deleted below a snapshot: this"
                    + " instance fell behind (restarting it loads the newest snapshot)");
        }
    }

    /**
     * Whether the batch expected with this id (appended at one position only) was found in the log and handed over,
     * before it was forgotten.
     */
    boolean wasHanded(UUID batch) {
        return !expected.containsKey(batch);
    }

    /** A position read from the log, unless this instance's sequencer handed it over first ({@link #handOwn}). */
    private void handRead(TransactionLogTable.Entry entry) {
        synchronized (handing) {
            if (entry.position() <= handed.position()) {
                return;
            }
            if (entry.position() != handed.position() + 1) { // reads are consecutive from a position handed before
                throw new IllegalStateException(
                        "position " + entry.position() + " read after " + handed.position() + " was handed over");
            }
            List<Request> local = expected.remove(entry.batch());
            hand(
                    entry.position(),
                    entry.lastZxid(),
                    local != null ? local : TransactionBatch.decode(entry.entry()),
                    local != null);
        }
    }

    /**
     * This instance's batch, just appended at {@code position}: handed over at once if everything before it is,
     * without reading it back (the tail read hands it otherwise, or has already).
     */
    void handOwn(long position, UUID batch, long lastZxid) {
        synchronized (handing) {
            if (handed.position() == position - 1) {
                List<Request> local = expected.remove(batch);
                if (local != null) {
                    hand(position, lastZxid, local, true);
                    applied(); // a waiter may have checked `handed` before it moved
                    return;
                }
            }
        }
        wake();
    }

    private void hand(long position, long lastZxid, List<Request> requests, boolean local) {
        for (Request r : requests) {
            if (r.getHdr() != null && r.getHdr().getType() == OpCode.createSession) {
                zks.tracker().ownerLogged(r.sessionId, local);
            }
            commits.commit(r);
        }
        handed = new Handed(position, lastZxid);
    }
}
