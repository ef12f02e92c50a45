package io.kafkacassandra.zookeeper.internal;

import java.nio.ByteBuffer;
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
        super(cnxn, sessionId, 0, OpCode.createSession, timeout(timeoutMs), null);
    }

    private static ByteBuffer timeout(int timeoutMs) {
        ByteBuffer to = ByteBuffer.allocate(4);
        to.putInt(timeoutMs);
        to.rewind();
        return to;
    }

    /** Prepared on a state where the session is gone or closing: nothing to log, the client is told it expired. */
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
