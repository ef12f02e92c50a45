package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.Replication;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the services check of the cluster before they serve: the Paxos variant every visible node runs, and a
 * replication that can survive a node.
 */
public final class ClusterChecks {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterChecks.class);
    static final String PAXOS_VARIANT = "SELECT value FROM system_views.settings WHERE name = 'paxos_variant'";

    private ClusterChecks() {}

    /**
     * Refuses a cluster where a node that this session uses and that is up runs Paxos v1 (nodes down at startup,
     * and nodes added later, are not checked until the next session: documented). Under v1, Cassandra may answer a lightweight
     * transaction with {@code UnavailableException} or {@code OverloadedException} after a quorum accepted it,
     * so "certainly not applied" would be a lie, and SERIAL reads are not linearizable with TTLs.
     */
    public static void requirePaxosV2(CqlSession session) {
        Map<String, String> variants = new TreeMap<>();
        for (Node node : upNodes(session.getMetadata().getNodes().values())) {
            Row row;
            try {
                row = session.execute(SimpleStatement.newInstance(PAXOS_VARIANT).setNode(node))
                        .one();
            } catch (RuntimeException e) {
                throw new StoreUnavailableException(
                        "cannot read paxos_variant of Cassandra node "
                                + node.getEndPoint() + " (system_views.settings; the role needs SELECT on it): "
                                + e.getMessage(),
                        e);
            }
            variants.put(String.valueOf(node.getEndPoint()), row == null ? "unknown" : row.getString("value"));
        }
        List<String> refused = new ArrayList<>();
        variants.forEach((node, variant) -> {
            if (!"v2".equals(variant)) {
                refused.add(node + " runs paxos_variant " + variant);
            }
        });
        if (!refused.isEmpty()) {
            throw new StoreUnavailableException("refusing to serve: " + String.join(", ", refused) + "; kafka-cassandra"
                    + " needs paxos_variant: v2 on every node (cassandra.yaml), because under v1 a lightweight"
                    + " transaction reported as failed may have been applied (see docs/guarantees.md, Assumptions)");
        }
    }

    /**
     * The replication of a keyspace the plugin creates: the configured one, or by default one replica on a
     * one-node cluster and three (at most the number of nodes) on a larger one. A configured factor of one on a
     * cluster of several nodes is taken, with a warning: losing that node loses the coordination state.
     */
    public static Replication replicationFor(CqlSession session, CassandraSettings settings) {
        int nodes = session.getMetadata().getNodes().size();
        if (settings.replicationConfigured()) {
            Replication configured = settings.replication();
            if (nodes > 1 && configured.factors().values().stream().allMatch(f -> f == 1)) {
                LOG.warn(
                        "{} is {} on a cluster of {} nodes: one node lost loses the coordination state and stops"
                                + " every broker; use at least 3 replicas in production",
                        CassandraSettings.REPLICATION,
                        configured,
                        nodes);
            }
            return configured;
        }
        return Replication.simple(nodes <= 1 ? 1 : Math.min(3, nodes));
    }

    /** Warns when an existing keyspace's replication differs from what the plugin would create. */
    public static void reportReplicationDrift(CqlSession session, CassandraSettings settings, Replication expected) {
        session.getMetadata().getKeyspace(settings.keyspace()).ifPresent(keyspace -> {
            Map<String, String> actual = keyspace.getReplication();
            if (!matches(expected, actual)) {
                LOG.warn(
                        "keyspace {} has replication {}, not {} as configured ({}); Cassandra keeps what the keyspace"
                                + " says: ALTER KEYSPACE it (then run a repair) or change the setting",
                        settings.keyspace(),
                        actual,
                        expected,
                        CassandraSettings.REPLICATION);
            }
        });
    }

    static boolean matches(Replication expected, Map<String, String> actual) {
        String strategy = actual.getOrDefault("class", "");
        if (!strategy.endsWith(expected.strategy())) {
            return false;
        }
        for (Map.Entry<String, Integer> factor : expected.factors().entrySet()) {
            if (!String.valueOf(factor.getValue()).equals(actual.get(factor.getKey()))) {
                return false;
            }
        }
        return actual.keySet().stream()
                .filter(k -> !k.equals("class"))
                .allMatch(k -> expected.factors().containsKey(k));
    }

    /** Nodes this session sends requests to: up (or not yet known down), and not ignored (another DC). */
    private static List<Node> upNodes(Collection<Node> nodes) {
        return nodes.stream()
                .filter(n -> n.getState() == NodeState.UP || n.getState() == NodeState.UNKNOWN)
                .filter(n -> n.getDistance() != NodeDistance.IGNORED)
                .toList();
    }
}
