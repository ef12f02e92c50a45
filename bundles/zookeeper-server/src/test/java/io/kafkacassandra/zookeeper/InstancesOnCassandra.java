package io.kafkacassandra.zookeeper;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tests of several instances share: a keyspace of the shared Cassandra node, instances of a named service
 * on it (any free port), and whatever a test opens, closed after it, newest first.
 */
abstract class InstancesOnCassandra {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    static CqlSession session;
    static CassandraSettings settings;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster()).build();
        session = TestKeyspaces.open(settings);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A new instance of {@code service}, closed after the test. */
    ZooKeeperService instance(String service) {
        return instance(service, Map.of());
    }

    /** The same with more settings. */
    ZooKeeperService instance(String service, Map<String, String> more) {
        Map<String, String> config = new java.util.HashMap<>(more);
        config.put(ZooKeeperSettings.SERVICE_NAME, service);
        ZooKeeperService s = ZooKeeperService.start(
                session, settings, ZooKeeperSettings.fromMap(config).withClientPort(0));
        opened.add(s);
        return s;
    }
}
