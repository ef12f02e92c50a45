package io.kafkacassandra.benchmarks;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.CassandraNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * A running system under test: kafka-cassandra on a Cassandra ring, or ZooKeeper; with how to reach it.
 *
 * @param name     the column heading, e.g. "kafka-cassandra, 3 nodes"
 * @param spec     what {@link Coordination#open} takes, in this JVM or in an agent's
 * @param requests requests the servers have received so far, summed over every server
 * @param closer   stops the servers
 */
record Target(String name, String spec, LongSupplier requests, AutoCloseable closer) implements AutoCloseable {
    long serverRequests() {
        return requests.getAsLong();
    }

    @Override
    public void close() {
        try {
            closer.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop " + name, e);
        }
    }

    /** The same settings as docs/plugin.properties (lease TTL 2 s, renew 500 ms, poll 500 ms), RF = nodes. */
    static Target cassandra(int nodes, Path directory) throws Exception {
        CassandraCluster cluster = CassandraCluster.builder()
                .nodes(nodes)
                .heapMb(512)
                .firstHost(1)
                .ports(7300, 9342)
                .clusterName("bench")
                .directory(directory.resolve("cassandra"))
                .startTimeout(Duration.ofSeconds(300))
                .start();
        Path properties = directory.resolve("plugin.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "plugin.cassandra.contact.points="
                                + cluster.nodes().stream()
                                        .map(CassandraNode::address)
                                        .collect(Collectors.joining(",")),
                        "plugin.cassandra.port=9342",
                        "plugin.cassandra.local.datacenter=" + CassandraCluster.DATACENTER,
                        "plugin.cassandra.keyspace=bench",
                        "plugin.cassandra.replication=SimpleStrategy:" + nodes,
                        "plugin.cassandra.lease.ttl.seconds=2",
                        "plugin.cassandra.le.renew.ttl.period.ms=500",
                        "plugin.cassandra.lr.pull.period.ms=500",
                        ""));
        return new Target(
                BenchmarkReport.ours(nodes), "cassandra:" + properties, () -> coordinatorRequests(cluster), cluster);
    }

    static Target zookeeper(int servers, Path directory) throws Exception {
        ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(servers, directory.resolve("zookeeper"));
        return new Target(
                BenchmarkReport.peer(servers),
                "zookeeper:" + ensemble.connectString(),
                () -> ensemble.counter("zk_packets_received"),
                ensemble);
    }

    /** Coordinator reads and writes of every node on the plugin's keyspace (Cassandra's virtual tables). */
    private static long coordinatorRequests(CassandraCluster cluster) {
        long total = 0;
        for (CassandraNode node : cluster.nodes()) {
            try (CqlSession s = CqlSession.builder()
                    .addContactPoint(node.contactPoint())
                    .withLocalDatacenter(CassandraCluster.DATACENTER)
                    .withNodeDistanceEvaluator((n, dc) ->
                            n.getEndPoint().resolve().equals(node.contactPoint()) ? null : NodeDistance.IGNORED)
                    .build()) {
                for (String table : new String[] {"coordinator_read_latency", "coordinator_write_latency"}) {
                    for (Row row : s.execute("SELECT count FROM system_views." + table
                            + " WHERE keyspace_name = 'bench' ALLOW FILTERING")) {
                        total += row.getLong("count");
                    }
                }
            }
        }
        return total;
    }
}
