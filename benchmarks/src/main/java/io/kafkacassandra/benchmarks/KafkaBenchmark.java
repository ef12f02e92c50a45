package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.kafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka workload: three released Kafka 3.9 brokers (ZooKeeper mode, Kafka's default 18 s session timeout) on
 * the target's ZooKeeper: the time for the cluster to form, to create topics, for a controller to take over after
 * the controller broker is killed, and produce and consume throughput (the data path, which must not differ).
 */
final class KafkaBenchmark {
    static final String WORKLOAD = "kafka";
    private static final int BROKERS = 3;
    private static final int FIRST_PORT = 19190;
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    /** Kafka's default, on both systems. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(18);
    /** Polling periods: small requests, and a description of every partition (a request that loads the brokers). */
    private static final Duration FINE = Duration.ofMillis(50);

    private static final Duration COARSE = Duration.ofMillis(250);
    /** How long the coordination servers run, started and idle, before the brokers start (on both systems). */
    static final Duration SETTLE = Duration.ofSeconds(30);
    /** After a formation trial's brokers stopped, before the next trial's start. */
    private static final Duration BETWEEN_FORMATIONS = Duration.ofSeconds(10);
    /** How long the idle cost of the coordination servers is measured, the cluster formed. */
    private static final Duration IDLE = Duration.ofSeconds(10);

    /** How much of each: formation trials, topics and their partitions, failover trials, records of 100 bytes. */
    record Sizes(int formations, int topics, int partitionsPerTopic, int failovers, int records) {}

    private KafkaBenchmark() {}

    /** @param target the column the figures go to */
    static void run(String target, Target system, Results results, Path dir, Sizes sizes) throws Exception {
        String zookeeperConnect = system.zookeeperConnect();
        List<KafkaBroker> brokers = new ArrayList<>();
        try {
            // Brokers join coordination servers that have been running a while, as in production: the servers'
            // own start-up (a Cassandra node's compilation and first compactions) is not counted against formation.
            Thread.sleep(SETTLE.toMillis());
            List<Long> formationNanos = new ArrayList<>();
            List<Long> formationCpuNanos = new ArrayList<>();
            for (int trial = 1; ; trial++) {
                // each trial a new cluster: its own chroot and log directories
                long began = System.nanoTime();
                Duration cpuBefore = system.serverCpu();
                brokers = new ArrayList<>();
                startBrokers(zookeeperConnect + "/kafka-" + trial, dir.resolve("cluster-" + trial), brokers);
                awaitFormed(brokers);
                formationNanos.add(System.nanoTime() - began);
                formationCpuNanos.add(system.serverCpu().minus(cpuBefore).toNanos());
                if (trial == sizes.formations()) {
                    break;
                }
                for (KafkaBroker broker : brokers) {
                    broker.shutDown(DEADLINE); // its session closed, not left to expire during the next trial
                }
                Thread.sleep(BETWEEN_FORMATIONS.toMillis());
            }
            results.add(
                    WORKLOAD,
                    "3 brokers form a cluster, median of " + formationNanos.size() + " (s)",
                    Results.Better.LOWER,
                    target,
                    Results.percentile(formationNanos, 50) / 1e9);
            // What the coordination servers take from the two cores the brokers start on, and then use idle.
            results.add(
                    WORKLOAD,
                    "coordination servers' CPU while the cluster forms, median (core-s)",
                    Results.Better.LOWER,
                    target,
                    Results.percentile(formationCpuNanos, 50) / 1e9);
            String bootstrap = brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(","));
            try (Admin admin = admin(bootstrap)) {
                Duration idleBefore = system.serverCpu();
                long idleBegan = System.nanoTime();
                Thread.sleep(IDLE.toMillis());
                results.add(
                        WORKLOAD,
                        "coordination servers' CPU, 3 brokers idle (% of a core)",
                        Results.Better.LOWER,
                        target,
                        100.0 * system.serverCpu().minus(idleBefore).toNanos() / (System.nanoTime() - idleBegan));

                createTopics(admin, target, results, sizes);
                List<Double> failovers = new ArrayList<>();
                for (int trial = 0; trial < sizes.failovers(); trial++) {
                    failovers.add(failover(admin, brokers));
                }
                failovers.sort(null);
                results.add(
                        WORKLOAD,
                        "controller failover after SIGKILL, median of " + failovers.size() + " (s)",
                        Results.Better.LOWER,
                        target,
                        failovers.get(failovers.size() / 2));
                results.add(
                        WORKLOAD,
                        "controller failover after SIGKILL, max (s)",
                        Results.Better.LOWER,
                        target,
                        failovers.get(failovers.size() - 1));
                // What the coordination service adds: the session's expiry is the same 18 s on both.
                results.add(
                        WORKLOAD,
                        "failover beyond the 18 s session timeout, median (s)",
                        Results.Better.LOWER,
                        target,
                        failovers.get(failovers.size() / 2) - SESSION_TIMEOUT.toMillis() / 1000.0);
                throughput(admin, bootstrap, target, results, sizes.records());
            }
        } finally {
            brokers.forEach(KafkaBroker::close);
        }
    }

    private static void createTopics(Admin admin, String target, Results results, Sizes sizes) throws Exception {
        List<String> names =
                IntStream.range(0, sizes.topics()).mapToObj(i -> "topic-" + i).toList();
        long began = System.nanoTime();
        admin.createTopics(names.stream()
                        .map(n -> new NewTopic(n, sizes.partitionsPerTopic(), (short) 3))
                        .toList())
                .all()
                .get();
        await(
                "every partition with a leader",
                COARSE,
                () -> admin.describeTopics(names).allTopicNames().get().values().stream()
                        .flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.leader() != null && p.isr().size() == 3));
        results.add(
                WORKLOAD,
                "create " + sizes.topics() + " topics × " + sizes.partitionsPerTopic() + " partitions (s)",
                Results.Better.LOWER,
                target,
                seconds(began));
    }

    /**
     * SIGKILL of the controller broker, until the others' metadata names another controller; then a restart.
     * Returns the seconds to the new controller.
     */
    private static double failover(Admin admin, List<KafkaBroker> brokers) throws Exception {
        int controller = admin.describeCluster().controller().get().id();
        KafkaBroker killed = brokers.get(controller - 1);
        long began = System.nanoTime();
        killed.kill();
        // A client of the survivors alone, with short timeouts: the main admin client once stayed without a node
        // to ask for minutes after a kill (on ZooKeeper), which is no figure of the coordination service.
        String survivors = brokers.stream()
                .filter(b -> b != killed)
                .map(KafkaBroker::bootstrap)
                .collect(Collectors.joining(","));
        double took;
        try (Admin probe = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, survivors,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"))) {
            await("a new controller", FINE, () -> {
                Node now = probe.describeCluster().controller().get();
                return now != null && now.id() != controller;
            });
            took = seconds(began);
        }
        killed.start();
        killed.awaitStarted(DEADLINE);
        await(
                "the restarted broker back in every ISR",
                COARSE,
                () -> admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values().stream()
                        .map(TopicDescription::partitions)
                        .flatMap(List::stream)
                        .allMatch(p -> p.isr().size() == 3));
        return took;
    }

    private static void throughput(Admin admin, String bootstrap, String target, Results results, int records)
            throws Exception {
        String topic = "throughput";
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all()
                .get();
        await(
                "the throughput topic",
                COARSE,
                () -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                        .allMatch(p -> p.leader() != null && p.isr().size() == 3));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        byte[] value = new byte[100];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            // Untimed: the producer's metadata and producer id (allocated in blocks through ZooKeeper).
            producer.send(new ProducerRecord<>(topic, value)).get();
            long began = System.nanoTime();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, value)));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
            results.add(
                    WORKLOAD,
                    "produce, acks=all, 100 B records (records/s)",
                    Results.Better.HIGHER,
                    target,
                    records / seconds(began));
        }
        int total = records + 1;
        consume(bootstrap, topic, "warm-up", 1); // creates __consumer_offsets, through ZooKeeper: untimed
        results.add(
                WORKLOAD,
                "consume, from the first record (records/s)",
                Results.Better.HIGHER,
                target,
                total / consume(bootstrap, topic, "throughput", total));
    }

    /** Reads {@code records} records with a new group; returns the seconds from the first record to the last. */
    private static double consume(String bootstrap, String topic, String group, int records) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long first = 0;
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            while (read < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read " + read + " of " + records + " records in " + DEADLINE);
                }
                int polled = consumer.poll(Duration.ofMillis(500)).count();
                if (polled > 0 && read == 0) {
                    first = System.nanoTime();
                }
                read += polled;
            }
        }
        return seconds(first);
    }

    /** Starts the brokers, each added to {@code brokers} before it starts (so that it is stopped at the end). */
    private static void startBrokers(String zookeeperConnect, Path dir, List<KafkaBroker> brokers) throws Exception {
        for (int id = 1; id <= BROKERS; id++) {
            KafkaBroker broker = new KafkaBroker(
                    id,
                    FIRST_PORT + id,
                    zookeeperConnect,
                    dir.resolve("broker-" + id),
                    Map.of("offsets.topic.replication.factor", "3", "auto.create.topics.enable", "false"),
                    List.of("-Xmx512m", "-XX:+UseG1GC"));
            brokers.add(broker);
            broker.start();
        }
    }

    /** Until every broker is in the metadata and one is the controller. */
    private static void awaitFormed(List<KafkaBroker> brokers) throws Exception {
        try (Admin admin = admin(brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(",")))) {
            await(
                    "the cluster forming",
                    FINE,
                    () -> admin.describeCluster().nodes().get().size() == BROKERS
                            && admin.describeCluster().controller().get() != null);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                "120000"));
    }

    private static double seconds(long began) {
        return (System.nanoTime() - began) / 1e9;
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls every {@code period}: the granularity of the times above. */
    private static void await(String what, Duration period, Check check) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e; // e.g. a request to the broker just killed
            }
            Thread.sleep(period.toMillis());
        }
        throw new IllegalStateException("no " + what + " within " + DEADLINE, last);
    }
}
