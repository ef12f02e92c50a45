package io.kafkacassandra.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.CassandraSettings;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.PluginLocator;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * {@code feature:install kafka-cassandra} in a stock Apache Karaf, against real Cassandra nodes: every service
 * registered and working, hot reconfiguration from one node to an independent second one, a bad
 * configuration that is refused without harm and shown by the status command and JMX, a problem fixed on the
 * Cassandra side noticed without any configuration change, and a password that never shows.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KafkaCassandraFeatureIT extends KarafTestSupport {
    @Test
    public void theFeatureInstallsAndEveryServiceWorks() throws Exception {
        Storage storage = service(Storage.class, null);
        ListenerRegistry registry = service(ListenerRegistry.class, null);
        LeaderElectionClient election = service(LeaderElectionClient.class, "(service=kafka_controller)");
        GroupMembershipClient brokers = service(GroupMembershipClient.class, "(group=brokers)");

        BlockingQueue<Optional<String>> values = new LinkedBlockingQueue<>();
        registry.addValueChangeListener("/itest/topics/orders", values::add);
        retry(() -> {
            storage.put("/itest/topics/orders", "partitions=3");
            return null;
        });
        await(values, Optional.of("partitions=3"));
        assertEquals(
                Optional.of("partitions=3"),
                storage.fetch("/itest/topics/orders").get(10, TimeUnit.SECONDS));
        assertTrue(retry(() -> election.nominate("broker-0")));
        assertEquals(Optional.of("broker-0"), election.getLeader());
        retry(() -> {
            brokers.join("0", "localhost:9092");
            return null;
        });
        assertEquals(Set.of("0"), brokers.membershipList());
        brokers.leave("0");
        election.resign("broker-0");
    }

    /**
     * Karaf's resolver matches a consumer's service requirement against the {@code osgi.service} capabilities a
     * bundle declares, and the service components register their services themselves, where bnd cannot derive
     * the capability: each bundle's declared list must be exactly what it registers of the project's types.
     */
    @Test
    public void everyBundleDeclaresExactlyTheServicesItRegisters() throws Exception {
        service(Storage.class, null);
        service(ListenerRegistry.class, null);
        service(LeaderElectionClient.class, "(service=kafka_controller)");
        service(GroupMembershipClient.class, "(group=brokers)");
        service(PluginLocator.class, null);
        int checked = 0;
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() == null || !bundle.getSymbolicName().startsWith("io.kafkacassandra.")) {
                continue;
            }
            Set<String> declared = new java.util.TreeSet<>();
            for (BundleCapability capability :
                    bundle.adapt(BundleRevision.class).getDeclaredCapabilities("osgi.service")) {
                Object classes = capability.getAttributes().get("objectClass");
                for (Object type : classes instanceof List<?> list ? list : List.of(String.valueOf(classes))) {
                    if (isProjectType(type.toString())) {
                        declared.add(type.toString());
                    }
                }
            }
            Set<String> registered = new java.util.TreeSet<>();
            ServiceReference<?>[] references = bundle.getRegisteredServices();
            for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
                for (String type : (String[]) reference.getProperty("objectClass")) {
                    if (isProjectType(type)) {
                        registered.add(type);
                    }
                }
            }
            assertEquals(bundle.getSymbolicName() + ": declared osgi.service capabilities", registered, declared);
            checked += registered.isEmpty() ? 0 : 1;
        }
        assertTrue("bundles that register services: " + checked, checked >= 5);
    }

    private static boolean isProjectType(String type) {
        return type.startsWith("org.apache.kafka.plugin.interfaces.") || type.startsWith("io.kafkacassandra.");
    }

    @Test
    public void aNewConfigurationMovesEveryServiceToAnotherCassandra() throws Exception {
        Storage storage = service(Storage.class, null);
        ListenerRegistry registry = service(ListenerRegistry.class, null);
        LeaderElectionClient election = service(LeaderElectionClient.class, "(service=kafka_controller)");
        BlockingQueue<Optional<String>> values = new LinkedBlockingQueue<>();
        BlockingQueue<Optional<String>> leaders = new LinkedBlockingQueue<>();
        registry.addValueChangeListener("/itest/hot", values::add);
        election.addListener(leaders::add);
        retry(() -> {
            storage.put("/itest/hot", "on A");
            return null;
        });
        await(values, Optional.of("on A"));
        assertTrue(retry(() -> election.nominate("broker-1")));
        await(leaders, Optional.of("broker-1"));

        update("plugin.cassandra.contact.points", ItestCassandra.NODE_B, "plugin.cassandra.keyspace", "itest_b");

        await(leaders, Optional.empty()); // stepped down with the old session
        await(leaders, Optional.of("broker-1")); // and leads again on B, by itself
        await(values, Optional.empty()); // the listener now sees B, where the key does not exist
        retry(() -> {
            storage.put("/itest/hot", "on B");
            return null;
        });
        await(values, Optional.of("on B"));
        CassandraConnection connection = service(CassandraConnection.class, null);
        assertEquals("127.0.0.11", connection.settings().contactPoints().get(0).getHostString());
        assertEquals(
                "on B",
                connection
                        .session()
                        .execute("SELECT value FROM itest_b.kv WHERE namespace = '/itest' AND name = 'hot'")
                        .one()
                        .getString(0));

        update("plugin.cassandra.contact.points", ItestCassandra.NODE_A, "plugin.cassandra.keyspace", "itest_a");
        await(values, Optional.of("on A"));
    }

    @Test
    public void aBadConfigurationIsRefusedAndTheServicesRecoverWhenItIsCorrected() throws Exception {
        Storage storage = service(Storage.class, null);
        retry(() -> storage.fetch("/itest/any").get(10, TimeUnit.SECONDS));

        update("plugin.cassandra.contact.points", "127.0.0.99:9042"); // nothing listens there
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                storage.fetch("/itest/any").get(10, TimeUnit.SECONDS);
            } catch (StoreUnavailableException expected) {
                break; // at once, not after a timeout: there is no session
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the services still answer with an unusable configuration");
            }
            Thread.sleep(200);
        }
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().startsWith("io.kafkacassandra")) {
                assertEquals(bundle.getSymbolicName() + " stays active", Bundle.ACTIVE, bundle.getState());
            }
        }
        String status = awaitStatus("cannot connect to Cassandra at 127.0.0.99:9042");
        assertTrue(status, status.contains("Health of Storage default: UNAVAILABLE"));
        assertEquals(
                "UNAVAILABLE",
                ManagementFactory.getPlatformMBeanServer()
                        .getAttribute(new ObjectName("io.kafkacassandra:type=Storage,name=\"default\""), "Status"));
        update("plugin.cassandra.contact.points", ItestCassandra.NODE_A);
        retry(() -> storage.fetch("/itest/any").get(10, TimeUnit.SECONDS));
        String recovered = execute("kafka-cassandra:status");
        assertFalse(recovered, recovered.contains("Health of Storage default: UNAVAILABLE"));
    }

    @Test
    public void aProblemFixedInCassandraIsNoticedWithoutAConfigurationChange() throws Exception {
        Storage storage = service(Storage.class, null);
        retry(() -> storage.fetch("/itest/any").get(10, TimeUnit.SECONDS));
        // The least-privilege set-up: the plugin may not create its schema, and the operator forgot to.
        update("plugin.cassandra.keyspace", "itest_later", "plugin.cassandra.schema.create", "false");
        awaitStatus("keyspace itest_later does not exist and plugin.cassandra.schema.create is false");
        CassandraSettings admin = CassandraSettings.builder()
                .contactPoints(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042)))
                .keyspace("itest_later")
                .build();
        io.kafkacassandra.session.SessionFactory.open(admin).close(); // the operator runs schema.cql
        retry(() -> storage.fetch("/itest/any").get(10, TimeUnit.SECONDS)); // the next attempt finds it
        update("plugin.cassandra.keyspace", "itest_a", "plugin.cassandra.schema.create", "true");
        awaitConnectedTo("127.0.0.1");
    }

    @Test
    public void aPasswordFromASecretFileNeverShows() throws Exception {
        String secret = "itest-Secret-" + System.nanoTime();
        Path file = Path.of(System.getProperty("karaf.etc"), "itest-cassandra.password");
        Files.writeString(file, secret + "\n");
        update("plugin.cassandra.username", "kafka", "plugin.cassandra.password.file", file.toString());
        try {
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!secret.equals(Optional.ofNullable(currentConnection())
                    .flatMap(c -> c.settings().password())
                    .orElse(null))) {
                assertTrue("the secret never reached the session", System.currentTimeMillis() < deadline);
                Thread.sleep(100);
            }
            String config = execute("config:list '(service.pid=io.kafkacassandra.cassandra)'");
            assertTrue(config, config.contains("plugin.cassandra.password.file = " + file));
            assertFalse(config, config.contains(secret));
            // Karaf hands a command the new session once it has registered the commands again: soon, not at once.
            String status = awaitStatus("user kafka");
            assertFalse(status, status.contains(secret));
        } finally {
            remove("plugin.cassandra.username", "plugin.cassandra.password.file"); // the next test starts clean
        }
        awaitConnectedTo("127.0.0.1");
    }

    @Test
    public void wrongCredentialsAreReportedAndAFixInCassandraIsPickedUpWithoutRestart() throws Exception {
        String configured = "itest-Pw-" + System.nanoTime();
        update(
                "plugin.cassandra.contact.points",
                ItestCassandra.NODE_C,
                "plugin.cassandra.keyspace",
                "itest_c",
                "plugin.cassandra.username",
                "cassandra",
                "plugin.cassandra.password",
                configured);
        String status = awaitStatus("authentication failed for user 'cassandra'");
        assertFalse(status, status.contains(configured));
        assertTrue(status, status.contains("Health of Storage default: UNAVAILABLE"));
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().startsWith("io.kafkacassandra")) {
                assertEquals(bundle.getSymbolicName() + " stays active", Bundle.ACTIVE, bundle.getState());
            }
        }
        // The operator fixes it in Cassandra, not in Karaf: the role gets the password the plugin was given.
        CassandraSettings superuser = CassandraSettings.builder()
                .contactPoints(List.of(InetSocketAddress.createUnresolved("127.0.0.21", 9042)))
                .keyspace("itest_c")
                .credentials("cassandra", "cassandra")
                .build();
        try (com.datastax.oss.driver.api.core.CqlSession admin =
                retry(() -> io.kafkacassandra.session.SessionFactory.open(superuser))) {
            // CQL takes no bind marker for a password; this one is the test's own, letters, digits and '-'.
            admin.execute("ALTER ROLE cassandra WITH PASSWORD = '" + configured + "'");
        }
        awaitConnectedTo("127.0.0.21"); // the next attempt of the session opener succeeds
        Storage storage = service(Storage.class, null);
        retry(() -> {
            storage.put("/itest/credentials/fixed-" + System.nanoTime(), "yes");
            return null;
        });
        updateAndRemove(
                List.of("plugin.cassandra.username", "plugin.cassandra.password"),
                "plugin.cassandra.contact.points",
                ItestCassandra.NODE_A,
                "plugin.cassandra.keyspace",
                "itest_a");
        awaitConnectedTo("127.0.0.1");
    }

    /** Waits until kafka-cassandra:status shows {@code expected}. */
    private String awaitStatus(String expected) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            String status = execute("kafka-cassandra:status");
            if (status.contains(expected)) {
                return status;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("kafka-cassandra:status never showed '" + expected + "'; last:\n" + status);
            }
            Thread.sleep(200);
        }
    }

    @Test
    public void anEmbeddedBrokerGetsEverythingThroughThePluginLocatorAcrossAReconfiguration() throws Exception {
        PluginLocator locator = service(PluginLocator.class, null);
        locator.startup("ignored in OSGi");
        LeaderElectionClient controller = locator.getLeaderElection("kafka_controller");
        assertTrue(controller == service(LeaderElectionClient.class, "(service=kafka_controller)"));
        LeaderElectionClient unconfigured = locator.getLeaderElection("itest_service");
        assertTrue(unconfigured == locator.getLeaderElection("itest_service"));
        assertTrue(retry(() -> unconfigured.nominate("embedded-1")));
        GroupMembershipClient group = locator.getGroupMembership("itest_group");
        retry(() -> {
            group.join("e1", "embedded");
            return null;
        });
        retry(() -> {
            locator.getStorage().put("/itest/embedded/topic", "t1");
            return null;
        });

        update("plugin.cassandra.contact.points", ItestCassandra.NODE_B, "plugin.cassandra.keyspace", "itest_locator");
        awaitConnectedTo("127.0.0.11");
        // Calls during the switch fail at once or succeed; afterwards everything works on B.
        assertTrue(retry(() -> unconfigured.nominate("embedded-1")));
        assertEquals(Optional.of("embedded-1"), retry(unconfigured::getLeader));
        assertEquals(Set.of("e1"), retry(group::membershipList));
        assertEquals(
                Optional.empty(),
                retry(() -> locator.getStorage().fetch("/itest/embedded/topic").get(10, TimeUnit.SECONDS)));
        update("plugin.cassandra.contact.points", ItestCassandra.NODE_A, "plugin.cassandra.keyspace", "itest_a");
        awaitConnectedTo("127.0.0.1");
        assertEquals(
                Optional.of("t1"),
                retry(() -> locator.getStorage().fetch("/itest/embedded/topic").get(10, TimeUnit.SECONDS)));
    }

    @Test
    public void theShellCommandsShowAndDriveTheServices() throws Exception {
        Storage storage = service(Storage.class, null);
        retry(() -> storage.fetch("/itest/any").get(10, TimeUnit.SECONDS));
        String status = awaitStatus("Cassandra session: CONNECTED to 127.0.0.1:9042, data center datacenter1");
        assertTrue(status, status.contains("Election kafka_controller:"));
        assertTrue(status, status.contains("Group brokers:"));

        execute("kafka-cassandra:key put /itest/shell/greeting hello");
        assertTrue(execute("kafka-cassandra:key get /itest/shell/greeting").contains("hello  (version 1)"));
        assertTrue(execute("kafka-cassandra:key list /itest/shell").contains("greeting"));
        execute("kafka-cassandra:key update /itest/shell/greeting bye");
        assertEquals(Optional.of("bye"), storage.fetch("/itest/shell/greeting").get(10, TimeUnit.SECONDS));
        assertTrue(execute("kafka-cassandra:key delete /itest/shell/greeting").contains("deleted"));

        String members = execute("kafka-cassandra:members --join shell-7 --data host7 brokers");
        assertTrue(members, members.contains("shell-7=host7"));
        execute("kafka-cassandra:members --leave shell-7 brokers");
        String leader = execute("kafka-cassandra:leader --nominate shell-1 itest_shell");
        assertTrue(leader, leader.contains("shell-1 leads itest_shell"));
    }
}
