import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The walk-through's plain Kafka client (run by Java's source launcher; no part of any artifact), against the
 * broker that Karaf embeds:
 * <ul>
 *   <li>{@code DemoKafkaClient <bootstrap> topic <name> <records>}: creates the topic, produces the records with
 *       {@code acks=all}, reads them back with a consumer group, and exits 0 only if each came back once, in order;
 *   <li>{@code DemoKafkaClient <bootstrap> brokers <n>}: waits up to 60 s for {@code n} brokers in the cluster.
 * </ul>
 */
public class DemoKafkaClient {
    public static void main(String[] args) throws Exception {
        Properties common = new Properties();
        common.put("bootstrap.servers", args[0]);
        if (args[1].equals("brokers")) {
            awaitBrokers(common, Integer.parseInt(args[2]));
        } else {
            produceAndConsume(common, args[2], Integer.parseInt(args[3]));
        }
    }

    private static void awaitBrokers(Properties common, int wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(common)) {
            while (true) {
                TreeSet<Integer> ids = new TreeSet<>();
                for (Node node : admin.describeCluster().nodes().get()) {
                    ids.add(node.id());
                }
                if (ids.size() >= wanted) {
                    System.out.println("cluster brokers " + ids + ", controller "
                            + admin.describeCluster().controller().get().id());
                    return;
                }
                if (System.nanoTime() > deadline) {
                    System.out.println("only brokers " + ids + " after 60 s");
                    System.exit(1);
                }
                Thread.sleep(500);
            }
        }
    }

    private static void produceAndConsume(Properties common, String topic, int records) throws Exception {
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        System.out.println("created topic " + topic);
        Properties p = new Properties();
        p.putAll(common);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 1; i <= records; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "record " + i)).get();
            }
        }
        System.out.println("produced " + records + " records (acks=all)");
        Properties c = new Properties();
        c.putAll(common);
        c.put("group.id", topic);
        c.put("auto.offset.reset", "earliest");
        List<String> read = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (read.size() < records && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
            consumer.commitSync();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= records; i++) {
            expected.add("record " + i);
        }
        System.out.println("consumed " + read);
        if (!read.equals(expected)) {
            System.out.println("expected " + expected);
            System.exit(1);
        }
    }
}
