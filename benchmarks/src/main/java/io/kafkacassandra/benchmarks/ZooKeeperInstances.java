package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Instances of this project's ZooKeeper service (one service, on one keyspace), each in a JVM of its own started
 * from the runnable jar as an operator starts it, on 127.0.0.1-n, with the ZooKeeper servers' session limits
 * (tickTime 500 ms, sessions from 1 s to 20 s).
 */
final class ZooKeeperInstances implements AutoCloseable {
    static final int CLIENT_PORT = 2381;
    private static final Path JAR = Path.of("bundles", "zookeeper-server", "target", "kafka-cassandra-zookeeper.jar");

    private final List<ChildJvm> instances = new ArrayList<>();

    private ZooKeeperInstances() {}

    /** Starts {@code count} instances with the {@code plugin.cassandra.*} keys of {@code pluginProperties}. */
    static ZooKeeperInstances start(int count, Path pluginProperties, Path directory) throws Exception {
        Path jar = jar();
        Files.createDirectories(directory);
        ZooKeeperInstances started = new ZooKeeperInstances();
        try {
            for (int i = 1; i <= count; i++) {
                Path config = directory.resolve("zookeeper-" + i + ".properties");
                Files.writeString(
                        config,
                        Files.readString(pluginProperties)
                                + String.join(
                                        "\n",
                                        "serviceName=bench",
                                        "clientPortAddress=" + host(i),
                                        "clientPort=" + CLIENT_PORT,
                                        "tickTime=500",
                                        "minSessionTimeout=1000",
                                        "maxSessionTimeout=20000",
                                        ""));
                started.instances.add(ChildJvm.startJar(
                        "zookeeper-on-cassandra-" + i,
                        List.of("-Xmx256m", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                        jar,
                        List.of(config.toString()),
                        directory.resolve("instance-" + i + ".log")));
            }
            started.awaitServing(count, Duration.ofSeconds(120));
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

    /** The connect string of instance {@code i} (from 1) alone. */
    String connectString(int i) {
        return host(i) + ":" + CLIENT_PORT;
    }

    private void awaitServing(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 1; i <= count; i++) {
            while (!ZooKeeperEnsemble.fourLetterWord(host(i), CLIENT_PORT, "ruok")
                    .equals("imok")) {
                if (System.nanoTime() > deadline || !instances.get(i - 1).isAlive()) {
                    throw new IllegalStateException("ZooKeeper service instance " + i + " is not serving (see "
                            + "its log under the benchmark's directory)");
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public void close() {
        instances.forEach(ChildJvm::close);
    }
}
