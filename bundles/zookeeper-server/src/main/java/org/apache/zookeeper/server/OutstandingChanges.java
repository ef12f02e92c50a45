package org.apache.zookeeper.server;

/**
 * The one thing of ZooKeeper's server that kafka-cassandra needs from inside its package: the changes that
 * {@link PrepRequestProcessor} records for requests prepared but not yet applied. A batch prepared on a state that
 * another instance's batch then superseded in the log must be prepared again on the new state, so its recorded
 * changes are dropped first.
 */
public final class OutstandingChanges {
    private OutstandingChanges() {}

    /** Drops every change prepared but not applied. */
    public static void discard(ZooKeeperServer zks) {
        synchronized (zks.outstandingChanges) {
            zks.outstandingChanges.clear();
            zks.outstandingChangesForPath.clear();
        }
    }

    /** How many changes are prepared and not yet applied. */
    public static int count(ZooKeeperServer zks) {
        synchronized (zks.outstandingChanges) {
            return zks.outstandingChanges.size();
        }
    }
}
