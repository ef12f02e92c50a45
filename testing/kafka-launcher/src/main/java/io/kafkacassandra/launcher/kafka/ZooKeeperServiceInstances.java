package io.kafkacassandra.launcher.kafka;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Instances of this project's ZooKeeper service (one service on one keyspace), each in a JVM of its own started
 * from the runnable jar as an operator starts it, instance i on 127.0.0.i. Instances can be killed and started
 * again, as a supervisor would.
 */
public final class ZooKeeperServiceInstances implements AutoCloseable {
    private static final Path JAR = Path.of("bundles", "zookeeper-server", "target", "kafka-cassandra-zookeeper.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path jar;
    private final int port;
    private final Path directory;
    private final List<Path> configs = new ArrayList<>();
    private final List<ChildJvm> instances = new ArrayList<>();

    private ZooKeeperServiceInstances(Path jar, int port, Path directory) {
        this.jar = jar;
        this.port = port;
        this.directory = directory;
    }

    /**
     * Starts {@code count} instances and waits until each answers {@code ruok}.
     *
     * @param cassandra the {@code plugin.cassandra.*} keys, as a properties file's text
     * @param settings keys of the service's settings (serviceName, tickTime, ...), besides the address and port
     */
    public static ZooKeeperServiceInstances start(
            int count, String cassandra, Map<String, String> settings, int port, Path directory) throws Exception {
        Files.createDirectories(directory);
        ZooKeeperServiceInstances started = new ZooKeeperServiceInstances(jar(), port, directory);
        try {
            for (int i = 1; i <= count; i++) {
                Map<String, String> all = new LinkedHashMap<>(settings);
                all.put("clientPortAddress", host(i));
                all.put("clientPort", Integer.toString(port));
                Path config = directory.resolve("zookeeper-" + i + ".properties");
                Files.writeString(
                        config,
                        cassandra + "\n"
                                + all.entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(Collectors.joining("\n", "", "\n")));
                started.configs.add(config);
                started.instances.add(null);
                started.launch(i);
            }
            for (int i = 1; i <= count; i++) {
                started.awaitServing(i);
            }
            return started;
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    /** The jar under the project's root: the working directory (benchmarks/run.sh) or a parent (a module's test). */
    private static Path jar() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(JAR))) {
                return dir.resolve(JAR);
            }
        }
        throw new IllegalStateException(JAR + " is missing: build bundles/zookeeper-server first");
    }

    private static String host(int instance) {
        return "127.0.0." + instance;
    }

    private void launch(int i) {
        instances.set(
                i - 1,
                ChildJvm.startJar(
                        "zookeeper-on-cassandra-" + i,
                        List.of("-Xmx256m", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                        jar,
                        List.of(configs.get(i - 1).toString()),
                        directory.resolve("instance-" + i + ".log")));
    }

    /** The connect string of instance {@code i} (from 1) alone. */
    public String connectString(int i) {
        return host(i) + ":" + port;
    }

    /** The connect string of every instance, as a client that may use any of them is given. */
    public String connectString() {
        return IntStream.rangeClosed(1, configs.size())
                .mapToObj(this::connectString)
                .collect(Collectors.joining(","));
    }

    /** Instance {@code i}'s answer to a four-letter word ({@code cons}: its connections and their sessions). */
    public String fourLetterWord(int i, String word) {
        return FourLetterWords.send(host(i), port, word);
    }

    /** The instances' processes (of those started last). */
    public List<Long> pids() {
        return instances.stream().filter(jvm -> jvm != null).map(ChildJvm::pid).toList();
    }

    /** SIGKILL of instance {@code i}. */
    public void kill(int i) throws InterruptedException {
        instances.get(i - 1).kill();
    }

    /** Starts instance {@code i} again after a kill, and waits until it serves. */
    public void restart(int i) throws InterruptedException {
        if (instances.get(i - 1).isAlive()) {
            throw new IllegalStateException("instance " + i + " is running");
        }
        launch(i);
        awaitServing(i);
    }

    private void awaitServing(int i) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!FourLetterWords.send(host(i), port, "ruok").equals("imok")) {
            if (System.nanoTime() > deadline || !instances.get(i - 1).isAlive()) {
                throw new IllegalStateException("ZooKeeper service instance " + i + " is not serving (see "
                        + directory.resolve("instance-" + i + ".log") + ")");
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        instances.stream().filter(jvm -> jvm != null).forEach(ChildJvm::close);
    }
}
