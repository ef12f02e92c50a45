package io.kafkacassandra.launcher;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Sessions for the launcher's own tests. The driver's 2 s default timeout is shorter than a schema change
 * takes on a busy 2-core machine (a CI run failed on one); these tests check the node, not its latency.
 */
final class TestSessions {
    private TestSessions() {}

    static CqlSessionBuilder builder() {
        return CqlSession.builder()
                .withLocalDatacenter(CassandraCluster.DATACENTER)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                        .build());
    }

    static CqlSession connect(List<InetSocketAddress> contactPoints) {
        return builder().addContactPoints(contactPoints).build();
    }
}
