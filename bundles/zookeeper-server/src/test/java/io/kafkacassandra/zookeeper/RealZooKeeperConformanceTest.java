package io.kafkacassandra.zookeeper;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ZooKeeperConformance} against a real Apache ZooKeeper server (standalone, on disk): the reference. */
class RealZooKeeperConformanceTest extends ZooKeeperConformance {
    private static ServerCnxnFactory factory;
    private static ZooKeeperServer server;

    @BeforeAll
    static void start() throws Exception {
        File dir = Files.createTempDirectory("zookeeper").toFile();
        server = new ZooKeeperServer(dir, dir, 2000);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 60);
        factory.startup(server);
    }

    @AfterAll
    static void stop() {
        factory.shutdown();
        server.shutdown();
    }

    @Override
    String connectString(int client) {
        return "127.0.0.1:" + factory.getLocalPort();
    }
}
