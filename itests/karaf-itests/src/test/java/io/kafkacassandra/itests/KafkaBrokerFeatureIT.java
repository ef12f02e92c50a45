package io.kafkacassandra.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.wrappedBundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The feature kafka-cassandra-broker: a released Kafka 3.9 broker inside Karaf, on the ZooKeeper service of the same
 * container. Installed, it serves produce and fetch requests of a plain Kafka client; a configuration change restarts
 * it with the new settings on the same logs; uninstalled, it stops cleanly (its port closes, and Kafka leaves its
 * clean-shutdown marker).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KafkaBrokerFeatureIT extends KarafTestSupport {
    private static final String BROKER_PID = "io.kafkacassandra.broker";
    // chosen where config() runs (outside Karaf); the test reads them back from the configuration inside Karaf
    private static final int ZK_PORT = freePort();
    private static final int KAFKA_PORT = freePort();

    @Configuration
    @Override
    public Option[] config() {
        Option[] base = super.config();
        List<Option> all = new ArrayList<>(List.of(base));
        // before the features' own configuration files are installed, which then leave them as they are
        all.add(editConfigurationFilePut("etc/io.kafkacassandra.zookeeper.cfg", "clientPort", "" + ZK_PORT));
        String broker = "etc/" + BROKER_PID + ".cfg";
        all.add(editConfigurationFilePut(broker, "broker.id", "1"));
        // A directory of this run's own: Kafka refuses a log directory of another cluster (one of an earlier run)
        File logs = new File("target/kafka-logs/" + System.currentTimeMillis());
        all.add(editConfigurationFilePut(broker, "log.dirs", logs.getAbsolutePath()));
        all.add(editConfigurationFilePut(broker, "offsets.topic.replication.factor", "1"));
        all.add(editConfigurationFilePut(broker, "listeners", "PLAINTEXT://127.0.0.1:" + KAFKA_PORT));
        all.add(editConfigurationFilePut(broker, "zookeeper.connect", "127.0.0.1:" + ZK_PORT + "/itest-kafka"));
        all.add(editConfigurationFilePut(broker, "zookeeper.session.timeout.ms", "10000"));
        // The test's client: Kafka's client jar is no bundle either.
        all.add(wrappedBundle(mavenBundle("org.apache.kafka", "kafka-clients", System.getProperty("kafka.version")))
                .instructions("Import-Package=*;resolution:=optional", "Export-Package=org.apache.kafka.*"));
        return options(all.toArray(Option[]::new));
    }

    @Test
    public void theFeatureRunsABrokerThatServesProduceAndFetchRestartsOnAChangeAndStopsWhenUninstalled()
            throws Exception {
        features.installFeature("kafka-cassandra-broker", EnumSet.noneOf(FeaturesService.Option.class));
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(BROKER_PID, "?");
        String listeners = configuration.getProperties().get("listeners").toString();
        int port = Integer.parseInt(listeners.substring(listeners.lastIndexOf(':') + 1));
        File logs = new File(configuration.getProperties().get("log.dirs").toString());
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add("order " + i);
        }

        withKafkaClassLoader(() -> {
            try (Admin admin = Admin.create(client(port))) {
                create(admin, new NewTopic("orders", 1, (short) 1));
            }
            Map<String, Object> producer = new java.util.HashMap<>(client(port));
            producer.put(ProducerConfig.ACKS_CONFIG, "all");
            producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            try (KafkaProducer<String, String> p =
                    new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
                for (String order : written) {
                    p.send(new ProducerRecord<>("orders", order, order)).get(30, TimeUnit.SECONDS);
                }
            }
            assertEquals(written, readOrders(port));
            return null;
        });

        // A configuration change restarts the broker with it (a new port, a default partition count), on the same
        // logs and cluster: the records written before are read back through the new port.
        int moved = freePort();
        Dictionary<String, Object> changed = configuration.getProperties();
        changed.put("listeners", "PLAINTEXT://127.0.0.1:" + moved);
        changed.put("num.partitions", "2");
        configuration.update(changed);
        awaitClosed(port);
        withKafkaClassLoader(() -> {
            try (Admin admin = Admin.create(client(moved))) {
                create(admin, new NewTopic("after-change", Optional.empty(), Optional.empty()));
                // retried: the broker's metadata may not have the topic yet when an earlier attempt created it
                List<TopicDescription> created = new ArrayList<>();
                retryFor(() -> created.add(admin.describeTopics(List.of("after-change"))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get("after-change")));
                assertEquals(2, created.get(0).partitions().size());
            }
            assertEquals(written, readOrders(moved));
            return null;
        });

        features.uninstallFeature("kafka-cassandra-broker");
        awaitClosed(moved);
        // written by Kafka last, once every log is flushed and closed: the broker stopped cleanly, not just its port
        assertTrue(new File(logs, ".kafka_cleanshutdown").isFile());
    }

    private static Map<String, Object> client(int port) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    }

    /** Creates the topic, retrying while the broker starts; an earlier attempt may have created it already. */
    private static void create(Admin admin, NewTopic topic) throws Exception {
        retryFor(() -> {
            try {
                return admin.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return null; // an earlier attempt created it before its answer was lost
                }
                throw e;
            }
        });
    }

    /** The values of topic orders' partition 0, from its start, read until 10 arrive (at most WAIT_MS). */
    private static List<String> readOrders(int port) {
        Map<String, Object> consumer = new java.util.HashMap<>(client(port));
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("orders", 0);
            c.assign(List.of(partition));
            c.seekToBeginning(List.of(partition));
            List<String> read = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (read.size() < 10 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
            return read;
        }
    }

    /** Kafka's clients load their configured classes (metrics reporters) through the context class loader. */
    private static void withKafkaClassLoader(Callable<Void> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try {
            call.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Runs the call until it succeeds (the broker is still starting), at most {@link #WAIT_MS}. */
    private static void retryFor(Callable<?> call) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                call.call();
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
