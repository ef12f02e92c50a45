package io.kafkacassandra.session.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.Replication;
import io.kafkacassandra.session.SessionFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Settings and sessions for tests: every call gets a keyspace of its own, so tests do not see each other. */
public final class TestKeyspaces {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestKeyspaces() {}

    /**
     * Settings for the cluster with a new keyspace name, replicated to every node, and the seed's short leases
     * (TTL 2 s) so that tests of expiry and failover run fast.
     */
    public static CassandraSettings.Builder settings(CassandraCluster cluster) {
        return CassandraSettings.builder()
                .leaseTtl(Duration.ofSeconds(2))
                .contactPoints(cluster.contactPoints())
                .localDatacenter(cluster.localDatacenter())
                .keyspace("t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet())
                .replication(Replication.simple(cluster.size()));
    }

    /** Opens a session and creates the schema in the settings' keyspace. */
    public static CqlSession open(CassandraSettings settings) {
        return SessionFactory.open(settings);
    }
}
