package io.kafkacassandra.faults;

import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.kafka.KafkaBroker;
import io.kafkacassandra.launcher.kafka.ZooKeeperReader;
import io.kafkacassandra.launcher.kafka.ZooKeeperServiceInstances;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Released Kafka 3.9 brokers (ZooKeeper mode) on two instances of this project's ZooKeeper service, on the fault
 * run's ring: an idempotent producer ({@code acks=all}) and a consumer group in the harness's JVM, a poller of
 * {@code /controller}, and at the end a read of the whole topic. Everything it sees goes to {@code kafka.history}
 * for {@link KafkaCheck}.
 */
final class KafkaWorkload implements AutoCloseable {
    static final String TOPIC = "faults";
    static final int PARTITIONS = 3;
    static final int BROKERS = 3;
    static final int SERVICE_PORT = 2581;
    static final int FIRST_BROKER_PORT = 19290;
    /** Kafka's default is 18 s; 10 s as in the Kafka itests: shorter failovers, and it outlasts a busy machine's stall. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** From the last fault's heal: every broker registered, every partition led with its full ISR, a record acked. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);
    /**
     * A new controller after the old one was killed or paused: its session's timeout, the TTL rounded up to whole
     * seconds, a tick, and slack for the election's own writes on a loaded ring.
     */
    static final Duration FAILOVER_BOUND = SESSION_TIMEOUT.plusSeconds(6);

    private static final long SEND_PERIOD_MILLIS = 40;
    private static final Pattern ELECTED = Pattern.compile(
            "^\\[([^\\]]+)\\].*\\] (\\d+) successfully elected as the controller\\. Epoch incremented to (\\d+)");
    private static final List<String> BROKER_JVM =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1");

    private final Path directory;
    private final HistoryWriter history;
    private final ZooKeeperServiceInstances instances;
    private final List<KafkaBroker> brokers = new ArrayList<>();
    private ZooKeeperReader zookeeper;
    private Admin admin;
    private String bootstrap;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong lastAckAt = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean running = true;

    private KafkaWorkload(Path directory, ZooKeeperServiceInstances instances) throws Exception {
        this.directory = directory;
        this.instances = instances;
        this.history = new HistoryWriter(directory.getParent().resolve("kafka.history"));
        for (int id = 1; id <= BROKERS; id++) {
            brokers.add(new KafkaBroker(
                    id,
                    FIRST_BROKER_PORT + id,
                    instances.connectString(),
                    directory.resolve("broker-" + id),
                    Map.of(
                            "zookeeper.session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()),
                            "offsets.topic.replication.factor", "3",
                            "transaction.state.log.replication.factor", "3",
                            "transaction.state.log.min.isr", "2",
                            "unclean.leader.election.enable", "false",
                            "auto.create.topics.enable", "false"),
                    BROKER_JVM));
        }
        try {
            brokers.forEach(KafkaBroker::start);
            for (KafkaBroker b : brokers) {
                b.awaitStarted(Duration.ofSeconds(240));
            }
            zookeeper = new ZooKeeperReader(instances.connectString());
            bootstrap = brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(","));
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    "60000"));
        } catch (Exception | Error e) {
            if (zookeeper != null) {
                zookeeper.close();
            }
            brokers.forEach(KafkaBroker::close);
            history.close();
            throw e;
        }
    }

    /**
     * Starts the service instances on 127.0.0.1 and .2 (keyspace {@code faults_kafka} on the ring), the brokers, the
     * topic (RF 3, {@code min.insync.replicas=2}) and the clients.
     */
    static KafkaWorkload start(Path directory, int nativePort) throws Exception {
        requireFree(SERVICE_PORT, "127.0.0.1", "127.0.0.2");
        for (int id = 1; id <= BROKERS; id++) {
            requireFree(FIRST_BROKER_PORT + id, "127.0.0.1");
        }
        String cassandra = String.join(
                "\n",
                "plugin.cassandra.contact.points=127.0.0.1,127.0.0.2,127.0.0.3",
                "plugin.cassandra.port=" + nativePort,
                "plugin.cassandra.local.datacenter=" + CassandraCluster.DATACENTER,
                "plugin.cassandra.keyspace=faults_kafka",
                "plugin.cassandra.schema.create=true",
                "plugin.cassandra.replication=SimpleStrategy:3",
                "");
        // A 50 ms tail read: at the default 10 ms two idle instances cost a core of this machine.
        ZooKeeperServiceInstances instances = ZooKeeperServiceInstances.start(
                2,
                cassandra,
                Map.of("serviceName", "kafka", "tickTime", "500", "tailReadPeriodMs", "50"),
                SERVICE_PORT,
                directory.resolve("instances"));
        KafkaWorkload workload;
        try {
            workload = new KafkaWorkload(directory, instances);
        } catch (Exception | Error e) {
            instances.close();
            throw e;
        }
        try {
            workload.createTopic();
            workload.startClients();
            return workload;
        } catch (Exception | Error e) {
            workload.close();
            throw e;
        }
    }

    /** Kafka brokers and service instances have no stdin watchdog: an orphan of an earlier run holds its port. */
    private static void requireFree(int port, String... hosts) {
        for (String host : hosts) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new IllegalStateException(
                        host + ":" + port + " is taken: a broker or service instance left over from an earlier run?",
                        e);
            }
        }
    }

    private void createTopic() throws Exception {
        admin.createTopics(List.of(
                        new NewTopic(TOPIC, PARTITIONS, (short) BROKERS).configs(Map.of("min.insync.replicas", "2"))))
                .all()
                .get(120, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!whole()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + TOPIC + " has no full ISR within 120 s");
            }
            Thread.sleep(500);
        }
    }

    private void startClients() {
        threads.add(daemon("kafka-producer", this::produce));
        threads.add(daemon("kafka-consumer", this::consume));
        threads.add(daemon("kafka-controller-poller", this::pollController));
        threads.forEach(Thread::start);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** One record every 40 ms, round robin over the partitions, each value unique. */
    private void produce() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (long seq = 0; running; seq++) {
                String value = "r" + seq;
                try {
                    producer.send(new ProducerRecord<>(TOPIC, (int) (seq % PARTITIONS), null, value), (meta, e) -> {
                        long at = System.nanoTime();
                        if (e == null) {
                            history.write(new Event.KafkaAck(value, meta.partition(), meta.offset(), at));
                            lastAckAt.accumulateAndGet(at, Math::max);
                        } else {
                            history.write(new Event.KafkaSendFailed(
                                    value, at, e.getClass().getSimpleName()));
                        }
                    });
                } catch (RuntimeException e) { // metadata not available within max.block.ms: never sent
                    history.write(new Event.KafkaSendFailed(
                            value, System.nanoTime(), e.getClass().getSimpleName()));
                }
                Nemesis.sleep(SEND_PERIOD_MILLIS);
            }
            producer.flush();
        }
    }

    /** A consumer group that reads the topic as it grows; what it reads is below the high watermark. */
    private void consume() {
        try (KafkaConsumer<String, String> consumer = consumer("faults-group")) {
            consumer.subscribe(List.of(TOPIC));
            while (running) {
                try {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        history.write(new Event.KafkaRead(r.partition(), r.offset(), r.value()));
                    }
                } catch (RuntimeException e) {
                    Nemesis.sleep(500); // a coordinator moving, a broker down: the group goes on where it committed
                }
            }
        }
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** Every 250 ms: who is in {@code /controller} and which epoch; logged when either changes. */
    private void pollController() {
        int lastBroker = Integer.MIN_VALUE;
        int lastEpoch = Integer.MIN_VALUE;
        while (running) {
            try {
                Integer broker = zookeeper.controllerOrNull();
                int epoch = zookeeper.controllerEpoch();
                int b = broker == null ? -1 : broker;
                if (b != lastBroker || epoch != lastEpoch) {
                    history.write(new Event.KafkaController(System.nanoTime(), b, epoch));
                    lastBroker = b;
                    lastEpoch = epoch;
                }
            } catch (Exception e) {
                // an instance killed or the ring slow: ask again
            }
            Nemesis.sleep(250);
        }
    }

    /** The broker in {@code /controller}, or -1 while there is none. */
    int controllerNow() throws Exception {
        Integer id = zookeeper.controllerOrNull();
        return id == null ? -1 : id;
    }

    /** The broker in {@code /controller}, waiting up to 30 s while there is none (-1 then). */
    int controller() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int id;
        while ((id = controllerNow()) < 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return id;
    }

    int controllerEpoch() throws Exception {
        return zookeeper.controllerEpoch();
    }

    boolean registered(int broker) throws Exception {
        return zookeeper.exists("/brokers/ids/" + broker);
    }

    KafkaBroker broker(int id) {
        return brokers.get(id - 1);
    }

    /**
     * Starts again any broker whose process ended on its own (a start refused, an error), once its registration has
     * expired; returns what it did, for the fault's note. Without it one lost broker would leave two, and then
     * {@code min.insync.replicas=2} lets one more fault stop every acknowledgement for the rest of the run.
     */
    String reviveDead() throws InterruptedException {
        List<String> revived = new ArrayList<>();
        for (KafkaBroker b : brokers) {
            if (b.isAlive()) {
                continue;
            }
            awaitUnregistered(b.id(), Duration.ofSeconds(60));
            b.start();
            try {
                b.awaitStarted(Duration.ofSeconds(180));
                revived.add("kafka-" + b.id() + " found dead, started again");
            } catch (IllegalStateException e) {
                revived.add("kafka-" + b.id() + " found dead, did not start again");
            }
        }
        String note = String.join(", ", revived);
        if (!note.isEmpty()) {
            FaultRun.log(note);
        }
        return note;
    }

    /** Waits until the broker's registration has gone with its session (Kafka refuses to start on another's). */
    void awaitUnregistered(int id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (!registered(id)) {
                    return;
                }
            } catch (Exception e) {
                // cannot tell yet: ask again
            }
            Thread.sleep(250);
        }
    }

    ZooKeeperServiceInstances instances() {
        return instances;
    }

    /**
     * Waits up to the recovery bound and half a minute more for the cluster to be whole; logs when it was. The check
     * holds that instant to the bound, from the QUIET the harness logged.
     */
    void awaitRecovered() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + RECOVERY_BOUND.plusSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                reviveDead();
                if (lastAckAt.get() > start && whole()) {
                    history.write(new Event.KafkaRecovered(System.nanoTime()));
                    FaultRun.log(String.format(
                            "the Kafka cluster was whole %.1f s after the last fault",
                            (System.nanoTime() - start) / 1e9));
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(500);
        }
        FaultRun.log("the Kafka cluster was not whole within "
                + RECOVERY_BOUND.plusSeconds(30).toSeconds() + " s");
    }

    /** Every broker registered, a controller, and every partition led with all its replicas in sync. */
    private boolean whole() throws Exception {
        if (zookeeper.children("/brokers/ids").size() != BROKERS || zookeeper.controllerOrNull() == null) {
            return false;
        }
        TopicDescription topic = admin.describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(TOPIC);
        for (TopicPartitionInfo p : topic.partitions()) {
            if (p.leader() == null || p.isr().size() != BROKERS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the clients, reads the whole topic up to its end offsets, and copies the brokers' controller elections
     * from their logs into the history.
     */
    void finish() throws InterruptedException {
        stopClients(TimeUnit.SECONDS.toMillis(150)); // longer than the producer's delivery timeout
        try {
            FaultRun.log("Kafka: final read of " + finalRead() + " records");
        } catch (RuntimeException e) { // a partition offline: a violation to report, not a run to abort
            history.write(new Event.KafkaError("final read", e.toString()));
        }
        try {
            FaultRun.log("Kafka: " + electionsFromLogs() + " controller elections logged");
        } catch (IOException | RuntimeException e) {
            history.write(new Event.KafkaError("reading the brokers' logs", e.toString()));
        }
    }

    private void stopClients(long joinMillis) throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(joinMillis);
            if (t.isAlive()) {
                history.write(new Event.KafkaError(t.getName(), "still running after " + joinMillis + " ms"));
            }
        }
    }

    private int finalRead() {
        int read = 0;
        try (KafkaConsumer<String, String> consumer = consumer(null)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(60)));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the final read did not reach the end offsets " + end);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    history.write(new Event.KafkaFinal(r.partition(), r.offset(), r.value()));
                    read++;
                }
            }
        }
        return read;
    }

    private int electionsFromLogs() throws IOException {
        int count = 0;
        for (int id = 1; id <= BROKERS; id++) {
            Path log = directory.resolve("broker-" + id).resolve("server.log");
            if (!Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) { // never a malformed byte
                Matcher m = ELECTED.matcher(line);
                if (m.find()) {
                    history.write(new Event.KafkaElected(
                            Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)),
                            m.group(1).replace('\t', ' ')));
                    count++;
                }
            }
        }
        return count;
    }

    @Override
    public void close() {
        running = false;
        try {
            admin.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            FaultRun.log("Kafka admin client: " + e);
        }
        zookeeper.close();
        brokers.forEach(KafkaBroker::close);
        instances.close();
        try {
            for (Thread t : threads) {
                t.join(10_000); // the brokers are gone: the clients' calls end
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        history.close();
    }
}
