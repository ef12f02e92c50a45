package io.kafkacassandra.zookeeper;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ZooKeeperConformance} against two instances of the service on one keyspace of a real Cassandra node:
 * client {@code a} on one, client {@code b} on the other.
 */
class CassandraZooKeeperConformanceTest extends ZooKeeperConformance {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CqlSession session;
    private static ZooKeeperService first;
    private static ZooKeeperService second;

    @BeforeAll
    static void start() {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        session = TestKeyspaces.open(settings);
        ZooKeeperSettings zk = ZooKeeperSettings.defaults().withClientPort(0);
        first = ZooKeeperService.start(session, settings, zk);
        second = ZooKeeperService.start(session, settings, zk);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
        session.close();
    }

    @Override
    String connectString(int client) {
        return (client == 0 ? first : second).connectString();
    }
}
