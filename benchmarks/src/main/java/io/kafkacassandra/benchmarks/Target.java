package io.kafkacassandra.benchmarks;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.CassandraNode;
import io.kafkacassandra.launcher.kafka.ZooKeeperServiceInstances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A running system under test: kafka-cassandra on a Cassandra ring, ZooKeeper, or this project's ZooKeeper service
 * on a Cassandra ring; with how to reach it.
 *
 * @param name       the column heading, e.g. "kafka-cassandra, 3 nodes"
 * @param spec       what {@link Coordination#open} takes in this JVM
 * @param agentSpecs what agents take, the n-th agent started the n-th modulo their number (so that with several
 *                   instances of a service, agents and this JVM are clients of different instances)
 * @param requests   requests the servers have received so far, summed over every server
 * @param pids       the processes of the servers (Cassandra nodes, ZooKeeper servers or service instances)
 * @param closer     stops the servers
 */
record Target(
        String name,
        String spec,
        List<String> agentSpecs,
        LongSupplier requests,
        Supplier<List<Long>> pids,
        AutoCloseable closer)
        implements AutoCloseable {
    /** The port of the ZooKeeper service's instances; the ZooKeeper ensemble's is 2281. */
    private static final int ZOOKEEPER_SERVICE_PORT = 2381;

    /** Every ZooKeeper server or instance of the target, as a {@code zookeeper.connect} string. */
    String zookeeperConnect() {
        String connect = agentSpecs.stream()
                .filter(s -> s.startsWith("zookeeper:"))
                .flatMap(s -> Stream.of(s.substring("zookeeper:".length()).split(",")))
                .distinct()
                .sorted()
                .collect(Collectors.joining(","));
        if (connect.isEmpty()) {
            throw new IllegalStateException(name + " is no ZooKeeper");
        }
        return connect;
    }

    /** kafka-cassandra's change feed period for this run (--changes-period-ms), or -1: the plugin's default. */
    static volatile long changesPeriodMs = -1;

    long serverRequests() {
        return requests.getAsLong();
    }

    /** The CPU time the servers' processes have used so far, summed. */
    Duration serverCpu() {
        return pids.get().stream()
                .map(pid -> ProcessHandle.of(pid)
                        .flatMap(p -> p.info().totalCpuDuration())
                        .orElseThrow(() -> new IllegalStateException("no CPU time of process " + pid)))
                .reduce(Duration.ZERO, Duration::plus);
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
        CassandraCluster cluster = startCassandra(nodes, directory);
        String spec = "cassandra:" + pluginProperties(cluster, directory);
        return new Target(
                BenchmarkReport.ours(nodes),
                spec,
                List.of(spec),
                () -> coordinatorRequests(cluster),
                () -> nodePids(cluster),
                cluster);
    }

    /**
     * Two instances of the ZooKeeper service on the same ring and settings, each in a JVM of its own started from
     * its runnable jar; this JVM is a client of the first, the agents alternately of the second and the first.
     */
    static Target zookeeperOnCassandra(int nodes, Path directory) throws Exception {
        return zookeeperOnCassandra(nodes, directory, Map.of());
    }

    /** The same, with {@code settings} of the service added or replaced (e.g. its tail read period). */
    static Target zookeeperOnCassandra(int nodes, Path directory, Map<String, String> settings) throws Exception {
        CassandraCluster cluster = startCassandra(nodes, directory);
        try {
            // The ZooKeeper servers' session limits: tickTime 500 ms, sessions from 1 s to 20 s.
            Map<String, String> all = new LinkedHashMap<>(Map.of(
                    "serviceName", "bench",
                    "tickTime", "500",
                    "minSessionTimeout", "1000",
                    "maxSessionTimeout", "20000"));
            all.putAll(settings);
            ZooKeeperServiceInstances instances = ZooKeeperServiceInstances.start(
                    2,
                    Files.readString(pluginProperties(cluster, directory)),
                    all,
                    ZOOKEEPER_SERVICE_PORT,
                    directory.resolve("instances"));
            List<String> agents =
                    List.of("zookeeper:" + instances.connectString(2), "zookeeper:" + instances.connectString(1));
            return new Target(
                    BenchmarkReport.bridge(nodes),
                    "zookeeper:" + instances.connectString(1),
                    agents,
                    () -> coordinatorRequests(cluster),
                    () -> Stream.concat(nodePids(cluster).stream(), instances.pids().stream())
                            .toList(),
                    () -> {
                        instances.close();
                        cluster.close();
                    });
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static CassandraCluster startCassandra(int nodes, Path directory) throws Exception {
        return CassandraCluster.builder()
                .nodes(nodes)
                .heapMb(512)
                .firstHost(1)
                .ports(7300, 9342)
                .clusterName("bench")
                .directory(directory.resolve("cassandra"))
                .startTimeout(Duration.ofSeconds(300))
                .start();
    }

    private static Path pluginProperties(CassandraCluster cluster, Path directory) throws Exception {
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
                        "plugin.cassandra.replication=SimpleStrategy:"
                                + cluster.nodes().size(),
                        "plugin.cassandra.lease.ttl.seconds=2",
                        "plugin.cassandra.le.renew.ttl.period.ms=500",
                        "plugin.cassandra.lr.pull.period.ms=500",
                        changesPeriodMs < 0 ? "" : "plugin.cassandra.changes.period.ms=" + changesPeriodMs,
                        ""));
        return properties;
    }

    static Target zookeeper(int servers, Path directory) throws Exception {
        ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(servers, directory.resolve("zookeeper"));
        String spec = "zookeeper:" + ensemble.connectString();
        return new Target(
                BenchmarkReport.peer(servers),
                spec,
                List.of(spec),
                () -> ensemble.counter("zk_packets_received"),
                ensemble::pids,
                ensemble);
    }

    private static List<Long> nodePids(CassandraCluster cluster) {
        return cluster.nodes().stream().map(CassandraNode::pid).toList();
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
