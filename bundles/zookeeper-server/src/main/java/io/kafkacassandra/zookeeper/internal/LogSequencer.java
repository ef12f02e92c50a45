package io.kafkacassandra.zookeeper.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.OutstandingChanges;
import org.apache.zookeeper.server.PrepRequestProcessor;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.RequestProcessor;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts this instance's writes into the log, a batch at a time (group commit), in the order they arrived.
 *
 * <p>A batch is prepared by ZooKeeper's own {@link PrepRequestProcessor} (validation, versions, sequential
 * names, multi results, zxids) on the state after position N, and only when that state is applied here in full;
 * it is then appended at N + 1 if nothing is there. If another instance's batch is there, this one was prepared
 * on a state that no longer holds: its prepared changes are dropped and it is prepared again, after that batch is
 * applied. So every position is prepared on exactly the state that precedes it, and all instances apply the same
 * transactions with the same zxids. An append without an answer is sent again unchanged (same batch id, same
 * position), which is idempotent; the answer then says whose batch holds the position.
 */
public final class LogSequencer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogSequencer.class);
    private static final int MAX_BATCH = 1000;
    private static final int MAX_BATCH_BYTES = 512 * 1024;

    private final BlockingQueue<Request> submitted = new LinkedBlockingQueue<>();
    private final CassandraZooKeeperServer zks;
    private final TransactionLogTable log;
    private final LogApplier applier;
    private final Preparer prep;
    private final LongConsumer afterAppend;
    private volatile boolean stopped;
    private Thread thread;
    private long lastAttempted; // the position of the last append, won or lost: the next one comes after it
    /** Tests only: runs before each append with its batch and position (to make another instance take it first). */
    public volatile java.util.function.ObjLongConsumer<List<Request>> beforeAppend = (batch, position) -> {};

    /** ZooKeeper's preparation, run on this thread instead of its own. */
    private static final class Preparer extends PrepRequestProcessor {
        Preparer(ZooKeeperServer zks) {
            super(zks, new RequestProcessor() {
                @Override
                public void processRequest(Request request) {}

                @Override
                public void shutdown() {}
            });
        }

        void prepare(Request r) throws RequestProcessorException {
            pRequest(r);
        }
    }

    /** @param afterAppend told each position this instance wrote, right after the append (to nudge the others) */
    LogSequencer(CassandraZooKeeperServer zks, TransactionLogTable log, LogApplier applier, LongConsumer afterAppend) {
        this.zks = zks;
        this.afterAppend = afterAppend;
        this.log = log;
        this.applier = applier;
        this.prep = new Preparer(zks);
    }

    void start() {
        thread = new Thread(this, "kafka-cassandra-zookeeper-log-sequencer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Tests only: how many requests wait for the next batch. */
    public int queued() {
        return submitted.size();
    }

    void submit(Request r) {
        submitted.add(r);
    }

    void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                Request first = submitted.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Request> batch = new ArrayList<>();
                batch.add(first);
                int bytes = size(first);
                for (Request next;
                        batch.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES && (next = submitted.peek()) != null; ) {
                    batch.add(submitted.remove());
                    bytes += size(next);
                }
                commit(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            zks.fail("putting writes into the ZooKeeper log", e);
        }
    }

    private static int size(Request r) {
        return r.request == null ? 16 : r.request.capacity() + 16;
    }

    private void commit(List<Request> batch) throws InterruptedException {
        while (!stopped) {
            LogApplier.Handed state = applier.awaitQuiescent(lastAttempted, Duration.ofSeconds(1));
            if (state == null) {
                continue;
            }
            long position = state.position() + 1;
            zks.setZxid(state.zxid());
            for (Request r : batch) {
                prepare(r);
            }
            UUID id = UUID.randomUUID();
            byte[] entry = TransactionBatch.encode(batch);
            long lastZxid = zks.getZxid();
            applier.expect(id, batch);
            beforeAppend.accept(batch, position);
            UUID holder = append(position, id, lastZxid, entry);
            lastAttempted = position;
            if (id.equals(holder)) {
                applier.handOwn(position, id, lastZxid);
                afterAppend.accept(position);
                return;
            }
            // Another instance's batch took the position: prepare again on the state after it, as if this
            // preparation had never happened.
            applier.forget(id);
            OutstandingChanges.discard(zks);
            for (Request r : batch) {
                if (r.type == OpCode.closeSession) {
                    zks.tracker().clearClosing(r.sessionId);
                }
            }
            applier.wake();
            LOG.debug("position {} went to another instance; {} requests are prepared again", position, batch.size());
        }
    }

    private void prepare(Request r) {
        // What a previous preparation left in the request would be taken for this one's.
        r.setTxnDigest(null);
        r.setException(null);
        if (r.request != null) {
            r.request.rewind();
        }
        if (r instanceof SessionClaim claim) {
            if (!zks.tracker().isCommitted(r.sessionId)
                    || zks.tracker().isClosing(r.sessionId)
                    || claim.cnxn == null
                    || claim.cnxn.isStale()) {
                claim.refuse(); // closed before its client could move here, or the client has gone elsewhere
                return;
            }
            claim.accept();
        }
        try {
            prep.prepare(r);
        } catch (PrepRequestProcessor.RequestProcessorException e) {
            throw new IllegalStateException("ZooKeeper could not prepare " + r, e);
        }
    }

    /** Appends until Cassandra answers; returns the batch that holds the position. */
    private UUID append(long position, UUID id, long lastZxid, byte[] entry) throws InterruptedException {
        long backoff = 10;
        int failures = 0;
        while (!stopped) {
            try {
                TransactionLogTable.Appended a = log.append(position, id, lastZxid, entry);
                if (a.answered()) {
                    if (a.truncated() && applier.wasHanded(id)) {
                        return id; // an earlier attempt landed, was applied, and the log moved past it since
                    }
                    if (a.truncated()) {
                        throw new IllegalStateException("position " + position + " of the log was deleted below a"
                                + " snapshot: this instance fell behind (restarting it loads the newest snapshot)");
                    }
                    if (failures > 0) {
                        LOG.info("appending to the ZooKeeper log works again after {} failures", failures);
                    }
                    return a.holder();
                }
                if (failures++ == 0) {
                    LOG.warn(
                            "append at position {} got no answer; sending it again: {}",
                            position,
                            a.unknownCause().toString());
                }
            } catch (StoreUnavailableException e) {
                if (failures++ == 0) {
                    LOG.warn("cannot append to the ZooKeeper log; trying again: {}", e.getMessage());
                }
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 1000);
        }
        throw new InterruptedException("stopped");
    }
}
