package io.kafkacassandra.zookeeper.internal;

import java.util.Collections;
import java.util.Iterator;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.quorum.Leader.Proposal;

/**
 * ZooKeeper's database without its files: the tree and the sessions in memory, built from the log in Cassandra.
 * Everything that would read or write ZooKeeper's own transaction log or snapshots does nothing.
 */
final class InMemoryZKDatabase extends ZKDatabase {
    InMemoryZKDatabase() {
        super(null);
    }

    @Override
    public long loadDataBase() {
        return getDataTreeLastProcessedZxid();
    }

    @Override
    public long fastForwardDataBase() {
        return getDataTreeLastProcessedZxid();
    }

    @Override
    public void addCommittedProposal(Request request) {}

    @Override
    public boolean isTxnLogSyncEnabled() {
        return false;
    }

    @Override
    public long calculateTxnLogSizeLimit() {
        return -1;
    }

    @Override
    public Iterator<Proposal> getProposalsFromTxnLog(long startZxid, long sizeLimit) {
        return Collections.emptyIterator();
    }

    @Override
    public boolean truncateLog(long zxid) {
        return false;
    }

    @Override
    public boolean append(Request si) {
        return false;
    }

    @Override
    public void rollLog() {}

    @Override
    public void commit() {}

    @Override
    public void close() {}

    @Override
    public void resetTxnCount() {}

    @Override
    public int getTxnCount() {
        return 0;
    }

    @Override
    public long getTxnSize() {
        return 0;
    }
}
