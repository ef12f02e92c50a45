package io.kafkacassandra.itests.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.launcher.kafka.KafkaBroker;
import io.kafkacassandra.launcher.kafka.ZooKeeperReader;
import io.kafkacassandra.launcher.kafka.ZooKeeperServiceInstances;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three released Kafka 3.9 brokers, each in its own JVM, whose {@code zookeeper.connect} lists two instances of the
 * ZooKeeper service on one Cassandra node. The tests run in order on the one cluster, each leaving it whole.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class KafkaClusterOnZooKeeperServiceTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final Path DIR =
            Path.of("target", "kafka-cluster-" + System.currentTimeMillis()).toAbsolutePath();
    /** A chroot of its own per run: the brokers create it, as they would on ZooKeeper. */
    private static final String CHROOT = "/" + DIR.getFileName();
    /** Kafka's default is 18 s; 10 s keeps the failover test short and outlasts a stall of a busy 2-core machine. */
    private static final int SESSION_TIMEOUT_MS = 10_000;

    private static final Duration RECOVERY = Duration.ofSeconds(90);
    private static final String ORDERS = "orders";
    private static final Pattern SESSION_ID = Pattern.compile("sid=0x([0-9a-f]+)");

    private static ZooKeeperServiceInstances bridge;
    private static final List<KafkaBroker> brokers = new ArrayList<>();
    private static KafkaClients clients;
    private static ZooKeeperReader zookeeper;
    /** Every record of {@link #ORDERS} whose send was acknowledged. */
    private static final List<String> acknowledged = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        InetSocketAddress cassandra = CASSANDRA.cluster().contactPoints().get(0);
        bridge = ZooKeeperServiceInstances.start(
                2,
                "plugin.cassandra.contact.points=" + cassandra.getHostString() + ":" + cassandra.getPort() + "\n"
                        + "plugin.cassandra.keyspace=kafka_brokers_it\n",
                Map.of("serviceName", "kafka"),
                2481,
                DIR.resolve("bridge"));
        for (int id = 1; id <= 3; id++) {
            KafkaBroker broker = new KafkaBroker(
                    id,
                    19090 + id,
                    bridge.connectString() + CHROOT,
                    DIR.resolve("broker-" + id),
                    Map.of(
                            "zookeeper.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
                            "offsets.topic.replication.factor", "3",
                            "transaction.state.log.replication.factor", "3",
                            "transaction.state.log.min.isr", "2",
                            "auto.create.topics.enable", "false"),
                    List.of("-Xmx256m", "-XX:+UseG1GC"));
            brokers.add(broker);
            broker.start();
        }
        for (KafkaBroker broker : brokers) {
            broker.awaitStarted(Duration.ofSeconds(180));
        }
        clients = new KafkaClients(brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(",")));
        zookeeper = new ZooKeeperReader(bridge.connectString() + CHROOT);
    }

    @AfterAll
    static void stopCluster() {
        if (clients != null) {
            clients.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        brokers.forEach(KafkaBroker::close);
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    @Order(1)
    void theClusterFormsWithThreeRegisteredBrokersAndOneController() throws Exception {
        Admin admin = clients.admin();
        Await.until(
                RECOVERY,
                "three brokers in the cluster's metadata",
                () -> admin.describeCluster().nodes().get().size() == 3);
        assertEquals(Set.of("1", "2", "3"), new TreeSet<>(zookeeper.children("/brokers/ids")));
        int controller = zookeeper.controller();
        assertTrue(controller >= 1 && controller <= 3, "controller " + controller);
        Await.until(
                RECOVERY,
                "every broker knowing the controller",
                () -> admin.describeCluster().controller().get().id() == controller);
    }

    @Test
    @Order(2)
    void everyAcknowledgedRecordIsConsumedOnce() throws Exception {
        clients.admin()
                .createTopics(List.of(new NewTopic(ORDERS, 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all()
                .get();
        awaitFullIsr(ORDERS, Set.of(1, 2, 3));
        clients.produce(ORDERS, "first", 600, acknowledged);
        clients.assertConsumedOnce(ORDERS, acknowledged);
    }

    @Test
    @Order(3)
    void aKilledControllerIsReplacedAndRejoinsWithAHigherBrokerEpoch() throws Exception {
        int controller = zookeeper.controller();
        KafkaBroker killed = brokers.get(controller - 1);
        long epochBefore = zookeeper.stat("/brokers/ids/" + controller).getCzxid();
        int controllerEpochBefore = zookeeper.controllerEpoch();

        killed.kill();
        try {
            Await.until(RECOVERY, "another broker becoming controller", () -> {
                Integer now = zookeeper.controllerOrNull();
                return now != null && now != controller;
            });
            assertTrue(zookeeper.controllerEpoch() > controllerEpochBefore, "the controller epoch went up");
            clients.produce(ORDERS, "after-failover", 300, acknowledged);
            clients.assertConsumedOnce(ORDERS, acknowledged);
        } finally {
            killed.start(); // also after a failure, so that the next tests find three brokers
        }
        killed.awaitStarted(Duration.ofSeconds(120));
        long epochAfter = zookeeper.stat("/brokers/ids/" + controller).getCzxid();
        assertTrue(epochAfter > epochBefore, "broker epoch " + epochAfter + " after " + epochBefore);
        awaitFullIsr(ORDERS, Set.of(1, 2, 3));
        awaitFullIsr("__consumer_offsets", Set.of(1, 2, 3));
    }

    @Test
    @Order(4)
    void theBrokersGoOnThroughTheOtherInstanceWhenOneIsKilled() throws Exception {
        Await.until(
                RECOVERY,
                "the brokers' three sessions listed by the instances",
                () -> brokerSessions(1).size() + brokerSessions(2).size() == 3);
        Set<String> sessions = new TreeSet<>(brokerSessions(1));
        sessions.addAll(brokerSessions(2));
        Map<String, Long> registrations = registrations();
        int controllerEpoch = zookeeper.controllerEpoch();
        // The instance that serves the most brokers (at least two of the three are on one of the two).
        int killed = brokerSessions(1).size() >= brokerSessions(2).size() ? 1 : 2;
        int other = 3 - killed;
        bridge.kill(killed);
        try {
            clients.produce(ORDERS, "one-instance", 200, acknowledged);
            clients.assertConsumedOnce(ORDERS, acknowledged);
            clients.admin()
                    .createTopics(List.of(new NewTopic("while-one-instance", 3, (short) 3)))
                    .all()
                    .get();
            awaitFullIsr("while-one-instance", Set.of(1, 2, 3));
            Await.until(
                    RECOVERY,
                    "the same three sessions on the other instance",
                    () -> brokerSessions(other).equals(sessions));
            // Past the time a session lost with the instance would have been closed (its timeout, TTLs rounded up
            // to whole seconds, half a tick): a broker whose session was closed registers again with a new czxid,
            // and a controller that lost its session is replaced under a higher epoch.
            Await.holdsFor(
                    Duration.ofMillis(SESSION_TIMEOUT_MS + 4_000),
                    "the brokers' sessions, registrations and controller epoch unchanged",
                    () -> brokerSessions(other).equals(sessions)
                            && registrations().equals(registrations)
                            && zookeeper.controllerEpoch() == controllerEpoch);
        } finally {
            bridge.restart(killed);
        }
    }

    /** The ids of the sessions connected to instance {@code i}, other than this test's own reader's. */
    private static Set<String> brokerSessions(int i) throws Exception {
        String own = Long.toHexString(zookeeper.sessionId());
        Set<String> ids = new TreeSet<>();
        Matcher m = SESSION_ID.matcher(bridge.fourLetterWord(i, "cons"));
        while (m.find()) {
            if (!m.group(1).equals(own)) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    @Test
    @Order(5)
    void configurationPartitionsReassignmentAndDeletionComplete() throws Exception {
        Admin admin = clients.admin();
        String topic = "scratch";
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
        awaitFullIsr(topic, Set.of(1, 2, 3));
        // Kafka's assignment gives each broker one of the three partitions' preferred leadership.
        Await.until(
                RECOVERY,
                "one partition of " + topic + " led by each broker",
                () -> leaders(topic).equals(Set.of(1, 2, 3)));

        // A topic configuration change, applied by each leader (they read it from the change notification).
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin.incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(new AlterConfigOp(
                                new ConfigEntry("max.message.bytes", "2048"), AlterConfigOp.OpType.SET))))
                .all()
                .get();
        for (int partition = 0; partition < 3; partition++) {
            int p = partition;
            Await.until(RECOVERY, "the leader of " + topic + "-" + p + " refusing a 4 KiB record", () -> {
                try {
                    clients.produceOne(topic, p, "x".repeat(4096));
                    return false; // not applied yet
                } catch (ExecutionException refused) {
                    if (refused.getCause() instanceof RecordTooLargeException) {
                        return true;
                    }
                    throw refused;
                }
            });
        }
        assertEquals(
                "2048",
                admin.describeConfigs(List.of(resource))
                        .all()
                        .get()
                        .get(resource)
                        .get("max.message.bytes")
                        .value());

        // Partitions added: each new one has a leader that takes a record.
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(6))).all().get();
        awaitFullIsr(topic, Set.of(1, 2, 3));
        for (int partition = 3; partition < 6; partition++) {
            clients.produceOne(topic, partition, "small");
        }

        // A reassignment from three replicas to two.
        TopicPartition moved = new TopicPartition(topic, 0);
        admin.alterPartitionReassignments(Map.of(moved, Optional.of(new NewPartitionReassignment(List.of(2, 3)))))
                .all()
                .get();
        Await.until(
                RECOVERY,
                "the reassignment of " + moved + " to [2, 3]",
                () -> admin.listPartitionReassignments().reassignments().get().isEmpty()
                        && describe(topic).partitions().get(0).replicas().stream()
                                .map(Node::id)
                                .collect(Collectors.toSet())
                                .equals(Set.of(2, 3)));

        // A deletion, finished by the controller and every replica.
        admin.deleteTopics(List.of(topic)).all().get();
        Await.until(
                RECOVERY,
                "the deletion of " + topic,
                () -> !admin.listTopics().names().get().contains(topic)
                        && !zookeeper.exists("/brokers/topics/" + topic)
                        && !zookeeper.exists("/admin/delete_topics/" + topic));
    }

    @Test
    @Order(6)
    void aGracefulShutdownMovesTheBrokersLeadershipsAway() throws Exception {
        int controller = zookeeper.controller();
        int leaving = leaders(ORDERS).stream()
                .filter(id -> id != controller)
                .findFirst()
                .orElseThrow(() -> new AssertionError("only the controller leads " + ORDERS));
        KafkaBroker broker = brokers.get(leaving - 1);
        assertTrue(broker.shutDown(Duration.ofSeconds(120)), () -> "no controlled shutdown in " + broker.lines());
        assertFalse(leaders(ORDERS).contains(leaving), "broker " + leaving + " still leads a partition");
        clients.produce(ORDERS, "after-shutdown", 100, acknowledged);
        clients.assertConsumedOnce(ORDERS, acknowledged);
        assertNull(zookeeper.statOrNull("/brokers/ids/" + leaving), "its registration is gone");
    }

    private static Map<String, Long> registrations() throws Exception {
        return zookeeper.children("/brokers/ids").stream()
                .collect(Collectors.toMap(id -> id, id -> zookeeperStat("/brokers/ids/" + id)));
    }

    private static long zookeeperStat(String path) {
        try {
            return zookeeper.stat(path).getCzxid();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TopicDescription describe(String topic) throws Exception {
        return clients.admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic);
    }

    private static Set<Integer> leaders(String topic) throws Exception {
        return describe(topic).partitions().stream()
                .map(TopicPartitionInfo::leader)
                .map(leader -> leader == null ? -1 : leader.id())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Waits until every partition of {@code topic} has a leader and {@code replicas} in sync. */
    private static void awaitFullIsr(String topic, Set<Integer> replicas) throws Exception {
        Await.until(RECOVERY, "every partition of " + topic + " with ISR " + replicas, () -> {
            Collection<TopicPartitionInfo> partitions = describe(topic).partitions();
            return partitions.stream()
                    .allMatch(p -> p.leader() != null
                            && p.isr().stream()
                                    .map(Node::id)
                                    .collect(Collectors.toSet())
                                    .containsAll(replicas));
        });
    }
}
