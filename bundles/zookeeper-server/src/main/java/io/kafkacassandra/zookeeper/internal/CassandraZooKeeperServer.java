package io.kafkacassandra.zookeeper.internal;

import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.FinalRequestProcessor;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.RequestProcessor;
import org.apache.zookeeper.server.ServerCnxn;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.quorum.CommitProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's server with the log in Cassandra in place of its quorum and files. The request pipeline is an
 * observer's: every request goes to ZooKeeper's {@link CommitProcessor} (reads are answered from the local tree
 * in session order), and writes also go to the {@link LogSequencer}, which puts them into the log; the
 * {@link LogApplier} commits every position of the log in order, and the {@link FinalRequestProcessor} applies
 * it and answers. Wire protocol, handshake, sessions' bookkeeping, watches and four-letter words are ZooKeeper's.
 */
public final class CassandraZooKeeperServer extends ZooKeeperServer {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraZooKeeperServer.class);
    private static final Duration CATCH_UP = Duration.ofSeconds(5);

    private final TransactionLogTable log;
    private final LogApplier applier;
    private final CassandraSessionTracker tracker;
    private final CassandraSessionTracker.SessionCreationHook sessionRows;
    private volatile Consumer<String> onFailure = reason -> {};
    private volatile LongConsumer afterAppend = position -> {};
    private final AtomicBoolean failed = new AtomicBoolean();
    private Snapshots snapshots;
    private LogSequencer sequencer;
    private CommitProcessor commitProcessor;

    public CassandraZooKeeperServer(
            TransactionLogTable log,
            ServiceMonitor monitor,
            Duration tailReadPeriod,
            int tickTimeMs,
            int minSessionTimeoutMs,
            int maxSessionTimeoutMs,
            CassandraSessionTracker.SessionCreationHook onCreate) {
        super();
        setTickTime(tickTimeMs); // first: the session limits' defaults derive from it
        setMinSessionTimeout(minSessionTimeoutMs);
        setMaxSessionTimeout(maxSessionTimeoutMs);
        setZKDatabase(new InMemoryZKDatabase());
        this.log = log;
        this.applier = new LogApplier(log, this, tailReadPeriod, monitor.polls());
        this.tracker = new CassandraSessionTracker(getZKDatabase().getSessionWithTimeOuts(), onCreate);
        this.sessionRows = onCreate;
    }

    /**
     * What stops the whole instance (its connections, its session leases, its reaper post) when a thread fails;
     * it is told what failed.
     */
    public void onFailure(Consumer<String> stopAll) {
        this.onFailure = stopAll;
    }

    /** What to do with each position this instance appends, right after the append: tell the other instances. */
    public void afterAppend(LongConsumer action) {
        this.afterAppend = action;
    }

    /**
     * Before {@link #startup()}: loads the newest snapshot, so that the log is read from after it, and takes
     * snapshots from then on.
     */
    public void restore(Snapshots snapshots) {
        this.snapshots = snapshots;
        applier.restoredFrom(snapshots.restore(getZKDatabase()), snapshots);
    }

    /** Tests only: the sequencer, for its hook. */
    public LogSequencer sequencer() {
        return sequencer;
    }

    public LogApplier applier() {
        return applier;
    }

    CassandraSessionTracker tracker() {
        return tracker;
    }

    @Override
    protected void createSessionTracker() {
        sessionTracker = tracker;
    }

    @Override
    protected void startSessionTracker() {}

    @Override
    protected void setupRequestProcessors() {
        RequestProcessor last = new FinalRequestProcessor(this);
        RequestProcessor signalling = new RequestProcessor() {
            @Override
            public void processRequest(Request request) throws RequestProcessorException {
                try {
                    if (request instanceof SessionClaim claim && claim.refused()) {
                        answerRefusedClaim(claim);
                    } else {
                        last.processRequest(request);
                    }
                } finally {
                    applier.applied();
                }
            }

            @Override
            public void shutdown() {
                last.shutdown();
            }
        };
        commitProcessor = new CommitProcessor(signalling, "kafka-cassandra", true, getZooKeeperServerListener());
        commitProcessor.start();
        sequencer = new LogSequencer(this, log, applier, position -> afterAppend.accept(position));
        sequencer.start();
        applier.start(commitProcessor);
        firstProcessor = new RequestProcessor() {
            @Override
            public void processRequest(Request request) {
                if (request.cxid == TransactionBatch.REMOTE_CXID && request.cnxn != null) {
                    // the commit processor would take another instance's transaction for this request
                    LOG.warn(
                            "closing the connection of session 0x{}: its request has the reserved xid {}",
                            Long.toHexString(request.sessionId),
                            request.cxid);
                    request.cnxn.close(ServerCnxn.DisconnectReason.CONNECTION_CLOSE_FORCED);
                    return;
                }
                // First to the commit processor, so that the request waits there before its commit can arrive.
                commitProcessor.processRequest(request);
                if (!request.isThrottled() && isLogged(request.type)) {
                    sequencer.submit(request);
                }
            }

            @Override
            public void shutdown() {
                sequencer.stop();
                applier.stop();
                commitProcessor.shutdown();
                if (snapshots != null) {
                    snapshots.close();
                }
            }
        };
    }

    /** The requests that go through the log: those ZooKeeper's commit processor waits for a commit of. */
    private static boolean isLogged(int type) {
        switch (type) {
            case OpCode.create:
            case OpCode.create2:
            case OpCode.createTTL:
            case OpCode.createContainer:
            case OpCode.delete:
            case OpCode.deleteContainer:
            case OpCode.setData:
            case OpCode.reconfig:
            case OpCode.setACL:
            case OpCode.multi:
            case OpCode.check:
            case OpCode.sync:
            case OpCode.createSession:
            case OpCode.closeSession:
                return true;
            default:
                return false;
        }
    }

    /**
     * A client reconnecting here may come from an instance that has applied more of the log, its session's
     * creation or a claim of it by another instance included: catch up before saying whether its session exists
     * (so that it is not told a live session expired) and before trusting that it is still owned here.
     */
    @Override
    protected void revalidateSession(ServerCnxn cnxn, long sessionId, int sessionTimeout) throws IOException {
        boolean caughtUp;
        try {
            caughtUp = applier.catchUp(CATCH_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            caughtUp = false;
        }
        if (!caughtUp && !tracker.exists(sessionId)) {
            // Not "expired", which a client takes as final: it tries another instance, or this one again.
            throw new ServerCnxn.CloseRequestException(
                    "this instance has not read the log far enough to know session 0x" + Long.toHexString(sessionId),
                    ServerCnxn.DisconnectReason.CLIENT_ZXID_AHEAD);
        }
        if (!tracker.exists(sessionId) || tracker.isClosing(sessionId)) {
            finishSessionInit(cnxn, false);
            return;
        }
        // its liveness row, before the client is told it may go on: a moving session is not left without one
        sessionRows.created(sessionId, sessionTimeout);
        if (caughtUp && tracker.isOwnedHere(sessionId)) {
            super.revalidateSession(cnxn, sessionId, sessionTimeout);
        } else {
            // the client comes from another instance: claim the session in the log first; it is answered when
            // the claim is applied, so nothing it sends here can be ordered before a write it left there
            tracker.touchSession(sessionId, sessionTimeout);
            submitRequest(new SessionClaim(cnxn, sessionId, sessionTimeout));
        }
    }

    /** What ZooKeeper's final processor does for a request with a connection, for a claim that logged nothing. */
    private void answerRefusedClaim(SessionClaim claim) {
        if (claim.cnxn != null) {
            decInProcess();
            requestFinished(claim);
            finishSessionInit(claim.cnxn, false);
        }
    }

    /**
     * A thread this instance cannot work without failed: stop serving, so that clients go to another instance
     * rather than wait for answers that never come.
     */
    void fail(String what, Throwable cause) {
        // once, and not for what a deliberate shutdown breaks (it would stop, or restart, the instance again)
        if (state == State.SHUTDOWN || !failed.compareAndSet(false, true)) {
            LOG.debug("{} failed after this instance stopped", what, cause);
            return;
        }
        LOG.error("{} failed; this ZooKeeper instance stops serving", what, cause);
        setState(State.ERROR);
        String reason = what + " failed: " + cause;
        Thread stopper = new Thread(() -> onFailure.accept(reason), "kafka-cassandra-zookeeper-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    @Override
    protected void registerJMX() {}

    @Override
    protected void unregisterJMX() {}

    @Override
    public String getState() {
        return "cassandra";
    }

    @Override
    public void dumpConf(PrintWriter pwriter) {
        pwriter.println("clientPort=" + getClientPort());
        pwriter.println("tickTime=" + getTickTime());
        pwriter.println("maxClientCnxns=" + getMaxClientCnxnsPerHost());
        pwriter.println("minSessionTimeout=" + getMinSessionTimeout());
        pwriter.println("maxSessionTimeout=" + getMaxSessionTimeout());
    }

    @Override
    public long getDataDirSize() {
        return 0;
    }

    @Override
    public long getLogDirSize() {
        return 0;
    }

    @Override
    public long getTxnLogElapsedSyncTime() {
        return 0;
    }

    @Override
    public void loadData() {
        // the tree is built from the log by the applier
    }

    @Override
    public void takeSnapshot() {
        takeSnapshot(false);
    }

    @Override
    public void takeSnapshot(boolean syncSnap) {
        LOG.debug("snapshots of the tree are not written to disk");
    }
}
