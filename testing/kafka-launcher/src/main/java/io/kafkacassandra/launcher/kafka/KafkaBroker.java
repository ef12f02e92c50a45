package io.kafkacassandra.launcher.kafka;

import io.kafkacassandra.launcher.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One released Apache Kafka broker ({@code kafka.Kafka server.properties}, ZooKeeper mode, no patch) in a JVM of
 * its own, on 127.0.0.1, started from the class path file written when this launcher was built. Small heap and
 * few threads, for a two-core machine; every {@code server.properties} key can be overridden.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final String CLASSPATH_RESOURCE = "kafka.classpath";
    private static final String LOG4J_RESOURCE = "log4j.properties";

    /** Settings that keep a broker lean (threads, internal topics' partitions, the cleaner's buffer). */
    private static final Map<String, String> LEAN = Map.ofEntries(
            Map.entry("num.network.threads", "2"),
            Map.entry("num.io.threads", "2"),
            Map.entry("background.threads", "2"),
            Map.entry("num.replica.fetchers", "1"),
            Map.entry("num.recovery.threads.per.data.dir", "1"),
            Map.entry("log.cleaner.threads", "1"),
            Map.entry("log.cleaner.dedupe.buffer.size", "4194304"),
            Map.entry("offsets.topic.num.partitions", "6"),
            Map.entry("transaction.state.log.num.partitions", "6"),
            Map.entry("group.initial.rebalance.delay.ms", "0"));

    private final int id;
    private final int port;
    private final Path directory;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private ChildJvm jvm;
    private int startLine;

    /**
     * @param zookeeperConnect the {@code zookeeper.connect} string
     * @param overrides any {@code server.properties} keys, applied last
     */
    public KafkaBroker(
            int id,
            int port,
            String zookeeperConnect,
            Path directory,
            Map<String, String> overrides,
            List<String> jvmOptions) {
        if (id < 0 || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("broker id " + id + " or port " + port + " out of range");
        }
        this.id = id;
        this.port = port;
        this.directory = directory.toAbsolutePath();
        this.jvmOptions = List.copyOf(jvmOptions);
        Map<String, String> all = new LinkedHashMap<>(LEAN);
        all.put("broker.id", Integer.toString(id));
        all.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        all.put("log.dirs", this.directory.resolve("logs").toString());
        all.put("zookeeper.connect", Objects.requireNonNull(zookeeperConnect));
        all.putAll(overrides);
        this.properties = Map.copyOf(all);
    }

    public int id() {
        return id;
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again, after a kill or a shutdown: same id, same log directory). */
    public synchronized void start() {
        if (jvm != null && jvm.isAlive()) {
            throw new IllegalStateException("broker " + id + " is running");
        }
        try {
            Files.createDirectories(directory);
            Path config = directory.resolve("server.properties");
            StringBuilder text = new StringBuilder();
            properties.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(config, text);
            Path log4j = directory.resolve(LOG4J_RESOURCE);
            Files.writeString(log4j, resource(LOG4J_RESOURCE));
            List<String> options = new ArrayList<>(jvmOptions);
            options.add("-Dlog4j.configuration=" + log4j.toUri());
            options.add("-Dkafka.logs.dir=" + directory);
            options.add("-Djava.awt.headless=true");
            jvm = ChildJvm.startOnClassPath(
                    "kafka-broker-" + id,
                    options,
                    resource(CLASSPATH_RESOURCE).trim(),
                    "kafka.Kafka",
                    List.of(config.toString()),
                    directory.resolve("broker.err"));
            startLine = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start broker " + id, e);
        }
    }

    /** Waits until the broker has registered and serves requests ("[KafkaServer id=N] started"). */
    public void awaitStarted(Duration timeout) throws InterruptedException {
        jvm().awaitLine(startLine, line -> line.contains("[KafkaServer id=" + id + "] started"), timeout);
    }

    /** SIGKILL: no controlled shutdown, its ZooKeeper session left to expire. */
    public synchronized void kill() throws InterruptedException {
        jvm().kill();
    }

    /** SIGSTOP. */
    public void pause() {
        jvm().pause();
    }

    /** SIGCONT. */
    public void resume() {
        jvm().resume();
    }

    /**
     * SIGTERM, as an operator stops a broker: Kafka's shutdown hook asks the controller to move its leaderships
     * away first (controlled shutdown). Returns whether the controller answered that it had.
     */
    public boolean shutDown(Duration timeout) throws InterruptedException {
        ChildJvm running = jvm();
        if (!running.isAlive()) {
            throw new IllegalStateException("broker " + id + " is not running (exit status " + running.exitStatus()
                    + ", see " + directory.resolve("server.log") + ")");
        }
        running.terminate();
        if (!running.awaitExit(timeout)) {
            throw new IllegalStateException("broker " + id + " did not stop within " + timeout);
        }
        List<String> lines = running.lines();
        return lines.stream().anyMatch(line -> line.contains("Controlled shutdown request returned successfully"))
                && lines.stream().noneMatch(line -> line.contains("Proceeding to do an unclean shutdown"));
    }

    public boolean isAlive() {
        ChildJvm running = jvm;
        return running != null && running.isAlive();
    }

    /** Every line the current process printed (warnings and above, and the broker's life cycle). */
    public List<String> lines() {
        return jvm().lines();
    }

    private synchronized ChildJvm jvm() {
        if (jvm == null) {
            throw new IllegalStateException("broker " + id + " was never started");
        }
        return jvm;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing " + name + ": the Kafka launcher was not built by Maven (mvn install)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public synchronized void close() {
        if (jvm != null) {
            jvm.close();
        }
    }
}
