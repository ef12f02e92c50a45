package io.kafkacassandra.zookeeper.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.ServerCnxn;

/**
 * A client reconnecting to this instance with a session that another instance owns: its move, put into the log as
 * a {@code createSession} transaction of the existing session (ZooKeeper applies it as a renewal of the session's
 * timeout). The instance whose batch holds the last such transaction of a session owns it; a write of the session
 * prepared anywhere else afterwards is refused with SESSIONMOVED, as ZooKeeper's leader refuses writes forwarded by
 * a server the session has left. The client is answered when the claim is applied: valid, or, if the session was
 * closed before the claim could be prepared, expired.
 */
final class SessionClaim extends Request {
    private volatile boolean refused;

    SessionClaim(ServerCnxn cnxn, long sessionId, int timeoutMs) {
        super(cnxn, sessionId, uniqueCxid(), OpCode.createSession, timeout(timeoutMs), null);
    }

    /**
     * ZooKeeper's commit processor takes a commit for a request of its own when the session and cxid match. A
     * claim must match nothing but itself: not the reaper's close of the same session (cxid 0, as ZooKeeper's own
     * creations and expiries), not a client's request (cxids from 1). So a random negative cxid, below the client
     * library's special xids (-1 to -8) and above the one of other instances' transactions.
     */
    private static int uniqueCxid() {
        return ThreadLocalRandom.current().nextInt(TransactionBatch.REMOTE_CXID + 1, -1024);
    }

    private static ByteBuffer timeout(int timeoutMs) {
        ByteBuffer to = ByteBuffer.allocate(4);
        to.putInt(timeoutMs);
        to.rewind();
        return to;
    }

    /**
     * Prepared on a state where the session is gone or closing, or for a connection already closed (its client
     * went elsewhere, whose claim must not be undone by this one): nothing to log; the client is told it expired.
     */
    void refuse() {
        refused = true;
        setHdr(null);
        setTxn(null);
    }

    void accept() {
        refused = false;
    }

    boolean refused() {
        return refused;
    }
}
