package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.Replication;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.util.Map;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node on Paxos v1 is refused before anything is served: under v1 a lightweight transaction reported as
 * failed (UnavailableException, OverloadedException) may have been applied, which the plugin would report as
 * "changed nothing".
 */
class ClusterChecksTest {
    @RegisterExtension
    static final CassandraExtension PAXOS_V1 =
            CassandraExtension.isolated(b -> b.nodes(1).paxosVariant("v1"));

    @Test
    void aNodeOnPaxosV1IsRefusedWithTheReason() {
        CassandraSettings settings = TestKeyspaces.settings(PAXOS_V1.cluster()).build();
        StoreUnavailableException e = assertThrows(
                StoreUnavailableException.class,
                () -> SessionFactory.open(settings).close());
        assertTrue(e.getMessage().contains("runs paxos_variant v1"), e.getMessage());
        assertTrue(e.getMessage().contains("paxos_variant: v2"), e.getMessage());
    }

    @Test
    void replicationsAreComparedWithWhatTheKeyspaceSays() {
        Map<String, String> simple3 =
                Map.of("class", "org.apache.cassandra.locator.SimpleStrategy", "replication_factor", "3");
        assertTrue(ClusterChecks.matches(Replication.simple(3), simple3));
        assertFalse(ClusterChecks.matches(Replication.simple(1), simple3));
        assertFalse(ClusterChecks.matches(new Replication("NetworkTopologyStrategy", Map.of("dc1", 3)), simple3));
        assertTrue(ClusterChecks.matches(
                new Replication("NetworkTopologyStrategy", Map.of("dc1", 3)),
                Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1", "3")));
        assertFalse(ClusterChecks.matches(
                new Replication("NetworkTopologyStrategy", Map.of("dc1", 3)),
                Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1", "3", "dc2", "3")));
        assertEquals(
                "SimpleStrategy:1",
                CassandraSettings.builder().build().replication().toString());
        assertFalse(CassandraSettings.builder().build().replicationConfigured());
    }
}
