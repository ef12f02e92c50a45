package io.kafkacassandra.broker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import kafka.zk.KafkaZkClient;
import kafka.zookeeper.ZooKeeperClientException;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker against a plain ZooKeeper server reached through a proxy that the test can cut: no
 * Cassandra is needed to show how the broker's life cycle meets a ZooKeeper that goes away.
 */
class EmbeddedKafkaBrokerTest {
    @TempDir
    Path dir;

    private ServerCnxnFactory zooKeeper;
    private CuttableProxy proxy;

    @BeforeEach
    void startZooKeeper() throws Exception {
        ZooKeeperServer server = new ZooKeeperServer(
                dir.resolve("zk").toFile(), dir.resolve("zk").toFile(), 500);
        zooKeeper = ServerCnxnFactory.createFactory(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        zooKeeper.startup(server);
    }

    @AfterEach
    void stopZooKeeper() {
        if (proxy != null) {
            proxy.cut();
        }
        zooKeeper.shutdown();
    }

    private Properties broker(String zooKeeperConnect) {
        Properties p = new Properties();
        p.setProperty("broker.id", "1");
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:0");
        p.setProperty("log.dirs", dir.resolve("kafka").toString());
        p.setProperty("zookeeper.connect", zooKeeperConnect);
        p.setProperty("zookeeper.session.timeout.ms", "6000");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("num.network.threads", "1");
        p.setProperty("num.io.threads", "1");
        return p;
    }

    /**
     * A start whose ZooKeeper goes away after the broker connected waits for it for ever (Kafka retries its
     * requests until it reconnects): close() must end that start, not wait behind it, or the bundle's deactivation
     * (a configuration change, an uninstall) hangs.
     */
    @Test
    void closeEndsAStartThatLostItsZooKeeper() throws Exception {
        // Cut as the broker creates its top-level paths: its ZooKeeper client is connected by then.
        proxy = new CuttableProxy(zooKeeper.getLocalPort(), "/brokers/ids");
        Throwable failure = closeWhileStuck(broker("127.0.0.1:" + proxy.port()));
        // Ended by the client's close, or by the interrupt that follows when the close's wake-up was missed.
        assertTrue(failure instanceof ZooKeeperClientException || causedByInterrupt(failure), failure.toString());
    }

    /**
     * With a chroot (as the shipped configuration has: {@code /kafka}), Kafka first checks and creates it with a
     * client of its own, and waits for ever there too if ZooKeeper goes away: that client is not the broker's, so
     * close() interrupts the start instead.
     */
    @Test
    void closeEndsAStartThatLostItsZooKeeperWhileCreatingItsChroot() throws Exception {
        proxy = new CuttableProxy(zooKeeper.getLocalPort(), "/kafka");
        Throwable failure = closeWhileStuck(broker("127.0.0.1:" + proxy.port() + "/kafka"));
        assertTrue(causedByInterrupt(failure), "not ended by an interrupt: " + failure);
    }

    /**
     * Closing the start's ZooKeeper client can fail to wake it: ZooKeeper's client tells its Closed event before its
     * state reads CLOSED, and Kafka's wait for a connection, woken by the event, may see a live connection and wait
     * again, for ever (seen once in a CI run). Here the close of the client leaves it as it is, as if its wake-up
     * had been missed: close() must still end the start, by interrupting it.
     */
    @Test
    void closeEndsAStartThatMissedTheWakeUpOfItsClientsClose() throws Exception {
        proxy = new CuttableProxy(zooKeeper.getLocalPort(), "/brokers/ids");
        Throwable failure = closeWhileStuck(broker("127.0.0.1:" + proxy.port()), client -> {});
        assertTrue(causedByInterrupt(failure), "not ended by an interrupt: " + failure);
    }

    private static boolean causedByInterrupt(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private Throwable closeWhileStuck(Properties properties) throws Exception {
        return closeWhileStuck(properties, KafkaZkClient::close);
    }

    /** Starts the broker, awaits the cut, closes: the close returns and the start fails; the start's failure. */
    private Throwable closeWhileStuck(Properties properties, Consumer<KafkaZkClient> clientCloser) throws Exception {
        EmbeddedKafkaBroker broker =
                new EmbeddedKafkaBroker(properties, getClass().getClassLoader(), clientCloser);
        CompletableFuture<Void> start = CompletableFuture.runAsync(broker::start, daemon("start"));
        assertTrue(proxy.awaitCut(60, TimeUnit.SECONDS), "the broker never reached ZooKeeper");

        CompletableFuture<Void> close = CompletableFuture.runAsync(broker::close, daemon("close"));
        close.get(30, TimeUnit.SECONDS); // waited for ever before close() ended stuck starts
        ExecutionException failed = assertThrows(ExecutionException.class, () -> start.get(30, TimeUnit.SECONDS));
        assertTrue(broker.isClosed());
        return failed.getCause();
    }

    private static java.util.concurrent.Executor daemon(String name) {
        return task -> {
            Thread t = new Thread(task, "test-" + name);
            t.setDaemon(true);
            t.start();
        };
    }
}
