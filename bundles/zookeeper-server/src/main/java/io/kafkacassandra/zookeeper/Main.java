package io.kafkacassandra.zookeeper;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar kafka-cassandra-zookeeper.jar FILE}: one instance of a ZooKeeper service on Cassandra. FILE is
 * a properties file with the {@code plugin.cassandra.*} keys of {@code docs/plugin.properties} and the keys of
 * {@link ZooKeeperSettings}. Exits with 2 and one line on standard error when the configuration cannot be used,
 * with 1 when Cassandra or the port cannot be reached, or when the instance stopped itself after a failure (so that
 * a supervisor starts it again).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            fail(
                    2,
                    "usage: java -jar kafka-cassandra-zookeeper.jar FILE (a properties file: plugin.cassandra.*, "
                            + "clientPort, clientPortAddress, ...)");
        }
        Map<String, String> config = new HashMap<>();
        CassandraSettings cassandra = null;
        ZooKeeperSettings zookeeper = null;
        try {
            load(Path.of(args[0])).forEach((k, v) -> config.put(k.toString(), v.toString()));
            cassandra = CassandraSettings.fromMap(config);
            zookeeper = ZooKeeperSettings.fromMap(config);
        } catch (IOException | RuntimeException e) {
            fail(2, "bad configuration in " + args[0] + ": " + e.getMessage());
        }
        CqlSession session = null;
        ZooKeeperService service;
        try {
            session = SessionFactory.open(cassandra);
            service = ZooKeeperService.start(session, cassandra, zookeeper, () -> {
                // a supervisor (systemd, Kubernetes) starts it again, which reads the newest snapshot
                System.err.println("kafka-cassandra-zookeeper: this instance stopped after a failure (see the log);"
                        + " exiting with 1 so that it is started again");
                System.exit(1);
            });
        } catch (RuntimeException e) {
            if (session != null) {
                session.close();
            }
            fail(1, "cannot start: " + e.getMessage());
            return;
        }
        CqlSession opened = session;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            opened.close();
                            stopped.countDown();
                        },
                        "kafka-cassandra-zookeeper-shutdown"));
        stopped.await();
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IOException("the file does not exist");
        }
        return properties;
    }

    private static void fail(int status, String message) {
        System.err.println("kafka-cassandra-zookeeper: " + message);
        System.exit(status);
    }
}
