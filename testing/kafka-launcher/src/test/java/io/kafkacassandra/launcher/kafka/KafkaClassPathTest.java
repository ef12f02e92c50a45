package io.kafkacassandra.launcher.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The brokers' class path: Kafka 3.9.1 as released, on the versions it was built with, and nothing of ours. */
class KafkaClassPathTest {
    @Test
    void holdsKafkaOnItsOwnVersionsAndNoOtherLogging() throws Exception {
        List<String> jars;
        try (InputStream in = KafkaBroker.class.getResourceAsStream("kafka.classpath")) {
            assertNotNull(in, "kafka.classpath");
            jars = Arrays.asList(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator));
        }
        for (String jar : jars) {
            assertTrue(Files.isRegularFile(Path.of(jar)), jar + " does not exist");
        }
        List<String> names =
                jars.stream().map(j -> Path.of(j).getFileName().toString()).toList();
        for (String expected : List.of(
                "kafka_2.13-3.9.1.jar",
                "kafka-clients-3.9.1.jar",
                "zookeeper-3.8.4.jar",
                "jackson-databind-2.16.2.jar",
                "reload4j-1.2.25.jar",
                "slf4j-reload4j-1.7.36.jar")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
        List<String> foreign = names.stream()
                .filter(n -> n.startsWith("slf4j-simple")
                        || n.startsWith("logback")
                        || n.startsWith("cassandra")
                        || n.startsWith("java-driver")
                        || n.startsWith("kafka-cassandra"))
                .toList();
        assertEquals(List.of(), foreign, "jars that are no part of a Kafka broker");
    }
}
