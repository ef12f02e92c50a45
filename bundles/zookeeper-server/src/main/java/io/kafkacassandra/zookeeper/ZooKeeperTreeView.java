package io.kafkacassandra.zookeeper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.ZKDatabase;

/**
 * A read-only look at one instance's copy of the tree and its sessions (what {@code kafka-cassandra:zk} shows):
 * as of the last position this instance applied, without a watch and without a round trip to Cassandra. Paths
 * are checked as ZooKeeper checks them; a bad one is refused with ZooKeeper's message.
 */
public final class ZooKeeperTreeView {
    private final ZKDatabase db;

    ZooKeeperTreeView(ZKDatabase db) {
        this.db = db;
    }

    /** The node's children, sorted; empty if there is no such node. */
    public Optional<List<String>> children(String path) {
        PathUtils.validatePath(path);
        try {
            List<String> children = new ArrayList<>(tree().getChildren(path, null, null));
            Collections.sort(children);
            return Optional.of(children);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** The node's data; empty if there is no such node. */
    public Optional<byte[]> data(String path) {
        PathUtils.validatePath(path);
        try {
            byte[] data = tree().getData(path, new Stat(), null);
            return Optional.of(data == null ? new byte[0] : data);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** ZooKeeper's 11 stat fields of the node by name, in ZooKeeper's order; empty if there is no such node. */
    public Optional<Map<String, Long>> stat(String path) {
        PathUtils.validatePath(path);
        Stat s;
        try {
            s = tree().statNode(path, null);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
        Map<String, Long> fields = new LinkedHashMap<>();
        fields.put("czxid", s.getCzxid());
        fields.put("mzxid", s.getMzxid());
        fields.put("ctime", s.getCtime());
        fields.put("mtime", s.getMtime());
        fields.put("version", (long) s.getVersion());
        fields.put("cversion", (long) s.getCversion());
        fields.put("aversion", (long) s.getAversion());
        fields.put("ephemeralOwner", s.getEphemeralOwner());
        fields.put("dataLength", (long) s.getDataLength());
        fields.put("numChildren", (long) s.getNumChildren());
        fields.put("pzxid", s.getPzxid());
        return Optional.of(fields);
    }

    /** Every session of the service (not only those connected here), with its timeout in ms, by id. */
    public Map<Long, Integer> sessions() {
        return new TreeMap<>(db.getSessionWithTimeOuts());
    }

    /** The paths of a session's ephemeral nodes, sorted. */
    public Set<String> ephemerals(long sessionId) {
        return new TreeSet<>(tree().getEphemerals(sessionId));
    }

    public int znodes() {
        return tree().getNodeCount();
    }

    private DataTree tree() {
        return db.getDataTree();
    }
}
