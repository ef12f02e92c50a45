package io.kafkacassandra.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.monitoring.ServiceMonitorMXBean;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees on JMX from the plain plugin: every service's calls, renewals, polls and callbacks, the
 * driver's own metrics, and a health that turns UNAVAILABLE with its reason while Cassandra is frozen and back
 * when it thaws.
 */
class MonitoringTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.isolated(b -> b.nodes(1));

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void everyServiceShowsItsWorkAndItsHealthOnJmx(@TempDir Path tmp) throws Exception {
        CassandraCluster cluster = CASSANDRA.cluster();
        Properties p = new Properties();
        p.setProperty(
                CassandraSettings.CONTACT_POINTS,
                cluster.node(0).address() + ":" + cluster.node(0).contactPoint().getPort());
        p.setProperty(CassandraSettings.LOCAL_DATACENTER, cluster.localDatacenter());
        p.setProperty(CassandraSettings.KEYSPACE, "monitoring");
        p.setProperty(CassandraSettings.REQUEST_TIMEOUT_MS, "1000");
        p.setProperty(CassandraSettings.POLL_PERIOD_MS, "200");
        p.setProperty(CassandraSettings.SAFETY_POLL_PERIOD_MS, "200"); // polls counted below
        p.setProperty(CassandraSettings.LEASE_TTL_SECONDS, "2"); // validity 800 ms, asserted below
        Path file = tmp.resolve("plugin.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        CassandraPluginLocator locator = new CassandraPluginLocator();
        locator.startup(file.toString());
        ObjectName storageName;
        try {
            Storage storage = locator.getStorage();
            storage.put("/monitored/a", "1");
            assertEquals(Optional.of("1"), storage.fetch("/monitored/a").get(10, TimeUnit.SECONDS));
            BlockingQueue<Optional<String>> seen = new LinkedBlockingQueue<>();
            locator.getListenerRegistry().addValueChangeListener("/monitored/a", seen::add);
            assertEquals(Optional.of("1"), seen.poll(10, TimeUnit.SECONDS));
            LeaderElectionClient election = locator.getLeaderElection("monitored");
            assertTrue(election.nominate("broker-1"));
            locator.getGroupMembership("monitored-group").join("broker-1", "host-1");

            storageName = name("Storage", "default");
            ServiceMonitorMXBean storageBean = bean(storageName);
            ServiceMonitorMXBean electionBean = bean(name("LeaderElection", "monitored"));
            ServiceMonitorMXBean groupBean = bean(name("GroupMembership", "monitored-group"));
            ServiceMonitorMXBean listenersBean = bean(name("ListenerRegistry", "default"));
            assertEquals("CONNECTED", storageBean.getStatus(), storageBean.getStatusReason());
            assertEquals(1L, storageBean.getCalls().get("put"));
            assertEquals(1L, storageBean.getCalls().get("fetch"));
            assertEquals(
                    Set.of("fetch", "put"),
                    storageBean.getCallLatencyP99Millis().keySet());
            await("the leader renews its lease", () -> electionBean.getLeaseRenewals() >= 3);
            long toDeadline = electionBean.getMillisToLeaseDeadline();
            assertTrue(
                    toDeadline > 0 && toDeadline <= 800,
                    "a leader's lease deadline is at most the validity ahead: " + toDeadline);
            await("the member renews its lease", () -> groupBean.getLeaseRenewals() >= 3);
            await("the listener registry polls", () -> listenersBean.getPolls() >= 3);
            assertTrue(listenersBean.getListenerCallbacks() >= 1);
            assertTrue(listenersBean.getMillisSinceLastPoll() < 2_000);
            List<ObjectName> driver =
                    List.copyOf(server.queryNames(new ObjectName("io.kafkacassandra.driver:*"), null));
            ObjectName connectedNodes = driver.stream()
                    .filter(n -> n.toString().contains("connected-nodes"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no driver metric connected-nodes in " + driver));
            assertEquals(1, ((Number) server.getAttribute(connectedNodes, "Value")).intValue());

            cluster.node(0).pause();
            try {
                // A write to a frozen node times out: it may have landed, so it is not "unavailable" (nothing changed).
                assertThrows(OutcomeUnknownException.class, () -> storage.put("/monitored/b", "2"));
                assertEquals("UNAVAILABLE", storageBean.getStatus());
                assertTrue(storageBean.getStatusReason().startsWith("put failed"), storageBean.getStatusReason());
                assertEquals(1L, storageBean.getFailedCalls().get("put"));
                assertTrue(storageBean.getUnknownOutcomeWrites() >= 1, "a write to a frozen node times out: unknown");
                await("the leader's renewals fail", () -> electionBean.getLeaseRenewalFailures() >= 1);
                await(
                        "the leader gives up its lease at the deadline",
                        () -> electionBean.getMillisToLeaseDeadline() == -1);
                await("the election reports it", () -> "UNAVAILABLE".equals(electionBean.getStatus()));
            } finally {
                cluster.node(0).resume();
            }
            await("storage works again", () -> {
                try {
                    storage.fetch("/monitored/a").get(10, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("DEGRADED", storageBean.getStatus(), "it failed less than a minute ago");
            String reason = storageBean.getStatusReason();
            assertTrue(
                    reason.startsWith("works again; put failed") || reason.startsWith("Cassandra node(s) not up"),
                    reason);
            await("the candidate leads again", () -> electionBean.getMillisToLeaseDeadline() > 0);
            assertNotEquals("UNAVAILABLE", electionBean.getStatus());
        } finally {
            locator.close();
        }
        assertFalse(server.isRegistered(storageName), "close unregisters the MBeans");
        assertTrue(server.queryNames(new ObjectName("io.kafkacassandra.driver:*"), null)
                .isEmpty());
    }

    /** The one MBean of this type and name (another client of the same name in this JVM would add an instance key). */
    private ObjectName name(String type, String name) throws Exception {
        Set<ObjectName> found = server.queryNames(
                new ObjectName("io.kafkacassandra:type=" + type + ",name=" + ObjectName.quote(name) + ",*"), null);
        assertEquals(1, found.size(), "MBeans " + found);
        return found.iterator().next();
    }

    private ServiceMonitorMXBean bean(ObjectName name) {
        return JMX.newMXBeanProxy(server, name, ServiceMonitorMXBean.class);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
