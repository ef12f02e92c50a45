package io.kafkacassandra.itests.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients of the cluster under test: an admin client, producers and consumer groups. */
final class KafkaClients implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final String bootstrap;
    private final Admin admin;
    private final AtomicInteger groups = new AtomicInteger();

    KafkaClients(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                "60000"));
    }

    Admin admin() {
        return admin;
    }

    /**
     * Sends {@code count} records ({@code prefix-i}) with an idempotent producer, {@code acks=all}, and adds each to
     * {@code acknowledged} once its send is acknowledged (so that a failed send leaves the others counted).
     */
    void produce(String topic, String prefix, int count, Collection<String> acknowledged) throws Exception {
        try (KafkaProducer<String, String> producer = producer(true)) {
            Map<String, Future<RecordMetadata>> sends = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String value = prefix + "-" + i;
                sends.put(value, producer.send(new ProducerRecord<>(topic, value, value)));
            }
            for (Map.Entry<String, Future<RecordMetadata>> send : sends.entrySet()) {
                send.getValue().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                acknowledged.add(send.getKey());
            }
        }
    }

    /** Sends one record to one partition and waits for the answer; a refusal is the ExecutionException's cause. */
    void produceOne(String topic, int partition, String value) throws Exception {
        // Not idempotent: a refused record must not leave a producer state behind that the next send inherits.
        try (KafkaProducer<String, String> producer = producer(false)) {
            producer.send(new ProducerRecord<>(topic, partition, value, value))
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<String, String> producer(boolean idempotent) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "90000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /**
     * Reads {@code topic} from its beginning to its end with a new consumer group, and asserts that it holds every
     * record of {@code expected} exactly once, and nothing else.
     */
    void assertConsumedOnce(String topic, List<String> expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + groups.incrementAndGet());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, Integer> seen = new HashMap<>();
        Set<String> wanted = Set.copyOf(expected);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            Map<TopicPartition, Long> ends = null;
            while (ends == null || !atEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the consumer group read " + seen.size() + " of " + expected.size()
                            + " records of " + topic + " within " + DEADLINE);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.merge(record.value(), 1, Integer::sum);
                }
                if (ends == null
                        && seen.keySet().containsAll(wanted)
                        && !consumer.assignment().isEmpty()) {
                    // every acknowledged record is read; now read to the end, to see any duplicate or stray record
                    ends = consumer.endOffsets(consumer.assignment());
                }
            }
        }
        Map<String, Integer> wrong = new TreeMap<>();
        seen.forEach((value, times) -> {
            if (times != 1 || !wanted.contains(value)) {
                wrong.put(value, times);
            }
        });
        assertEquals(Map.of(), wrong, "records read more than once, or never sent");
        assertEquals(wanted, seen.keySet());
    }

    private static boolean atEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey(), Duration.ofSeconds(10)) >= e.getValue());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
