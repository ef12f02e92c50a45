package io.kafkacassandra.zookeeper.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.TxnLogEntry;
import org.apache.zookeeper.server.util.SerializeUtils;

/**
 * The encoding of one log position: a count, then each transaction as ZooKeeper writes it to its own log (header,
 * record, digest; {@link SerializeUtils#serializeRequest}), length-prefixed.
 */
public final class TransactionBatch {
    /**
     * The cxid of every request decoded from another instance's batch. ZooKeeper's commit processor takes a commit
     * for its own oldest queued write when session and cxid match; another instance's transaction must never be
     * taken for one of this instance's requests (a reaper's close for a close queued here, a new handle's xid for an
     * old one's), so it carries a cxid no request of this instance has (see {@link SessionClaim}).
     */
    static final int REMOTE_CXID = Integer.MIN_VALUE;

    private TransactionBatch() {}

    /** The transactions of {@code prepared}, in order; requests without a transaction (sync) are left out. */
    public static byte[] encode(List<Request> prepared) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            List<byte[]> txns = new ArrayList<>();
            for (Request r : prepared) {
                if (r.getHdr() != null) {
                    txns.add(SerializeUtils.serializeRequest(r));
                }
            }
            out.writeInt(txns.size());
            for (byte[] txn : txns) {
                out.writeInt(txn.length);
                out.write(txn);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The requests of a position written by another instance, as a learner rebuilds committed proposals. */
    static List<Request> decode(ByteBuffer entry) {
        byte[] array = new byte[entry.remaining()];
        entry.duplicate().get(array);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(array))) {
            int count = in.readInt();
            List<Request> requests = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] txn = new byte[in.readInt()];
                in.readFully(txn);
                TxnLogEntry logged = SerializeUtils.deserializeTxn(txn);
                Request r = new Request(
                        logged.getHeader().getClientId(),
                        REMOTE_CXID,
                        logged.getHeader().getType(),
                        logged.getHeader(),
                        logged.getTxn(),
                        logged.getHeader().getZxid());
                r.setTxnDigest(logged.getDigest());
                requests.add(r);
            }
            return requests;
        } catch (IOException e) {
            throw new UncheckedIOException("a position of the ZooKeeper log cannot be read", e);
        }
    }
}
