package io.kafkacassandra.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.launcher.CassandraExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar kafka-cassandra-zookeeper.jar FILE}, as an operator runs it. */
class RunnableJarIT {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static Process run(Path config) throws Exception {
        Path jar = Path.of(System.getProperty("zookeeper.jar"));
        assertTrue(Files.isRegularFile(jar), "built by the package phase: " + jar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-jar", jar.toString(), config.toString())
                .redirectErrorStream(true)
                .start();
    }

    @Test
    void aBadConfigurationExitsWithOneClearLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("zk.properties");
        Files.writeString(config, "clientPort=twenty\n");
        Process p = run(config);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertEquals(
                "kafka-cassandra-zookeeper: bad configuration in " + config
                        + ": clientPort must be a whole number, was 'twenty'",
                output.strip());

        Files.writeString(config, "dataDir=/var/lib/zookeeper\n");
        p = run(config);
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(output.contains("unknown setting dataDir"), output);
    }

    @Test
    void itServesZooKeeperClientsOnItsPort(@TempDir Path dir) throws Exception {
        InetSocketAddress cassandra = CASSANDRA.cluster().contactPoints().get(0);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("zk.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "plugin.cassandra.contact.points=" + cassandra.getHostString() + ":" + cassandra.getPort(),
                        "plugin.cassandra.keyspace=runnable_jar_it",
                        "clientPort=" + port,
                        ""));
        Process p = run(config);
        try {
            CompletableFuture<String> serving = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.contains("serving ZooKeeper clients on ")) {
                            serving.complete(line);
                        }
                    }
                    serving.completeExceptionally(new AssertionError("exited with " + p.waitFor()));
                } catch (Exception e) {
                    serving.completeExceptionally(e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            assertTrue(serving.get(120, TimeUnit.SECONDS).contains("serving ZooKeeper clients on 127.0.0.1:" + port));

            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 10_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertTrue(connected.await(30, TimeUnit.SECONDS));
                zk.create(
                        "/jar",
                        "hello".getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), zk.getData("/jar", false, null));
            } finally {
                zk.close();
            }
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
        }
    }
}
