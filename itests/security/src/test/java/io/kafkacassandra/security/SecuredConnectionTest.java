package io.kafkacassandra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import io.kafkacassandra.bridge.CassandraPluginLocator;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.SettingsException;
import io.kafkacassandra.storage.CassandraStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain plugin against a node with authentication, authorization and client TLS (certificates required),
 * connected as the least-privilege role; and what an operator sees when one of those settings is wrong.
 */
class SecuredConnectionTest {
    private static SecuredCassandra cassandra;

    @BeforeAll
    static void start() {
        cassandra = SecuredCassandra.get();
    }

    @Test
    void everyServiceWorksForTheLeastPrivilegeRoleOverMutualTls(@TempDir Path tmp) throws Exception {
        // The password from a file, as an operator keeps it out of the configuration.
        Map<String, String> properties = cassandra.roleProperties();
        Path passwordFile = Files.writeString(
                tmp.resolve("cassandra.password"), properties.remove(CassandraSettings.PASSWORD) + "\n");
        properties.put(CassandraSettings.PASSWORD + CassandraSettings.FILE_SUFFIX, passwordFile.toString());
        CassandraPluginLocator locator = new CassandraPluginLocator();
        locator.startup(SecuredCassandra.pluginProperties(tmp, properties).toString());
        try {
            Storage storage = locator.getStorage();
            String name = "k" + UUID.randomUUID().toString().replace("-", "");
            String key = "/secured/" + name;
            storage.put(key, "v1");
            BlockingQueue<Optional<String>> seen = new LinkedBlockingQueue<>();
            locator.getListenerRegistry().addValueChangeListener(key, seen::add);
            assertEquals(Optional.of("v1"), seen.poll(10, TimeUnit.SECONDS), "initial value");
            storage.update(key, "v2");
            assertEquals(Optional.of("v2"), seen.poll(10, TimeUnit.SECONDS), "change notified");
            assertEquals(Optional.of("v2"), storage.fetch(key).get(10, TimeUnit.SECONDS));
            assertEquals(
                    "v2",
                    cassandra
                            .admin
                            .execute(SimpleStatement.newInstance(
                                    "SELECT value FROM " + SecuredCassandra.KEYSPACE
                                            + ".kv WHERE namespace = ? AND name = ?",
                                    "/secured",
                                    name))
                            .one()
                            .getString("value"),
                    "the superuser reads what the role wrote");

            LeaderElectionClient election = locator.getLeaderElection("secured-controller");
            assertTrue(election.nominate("broker-1"));
            assertEquals(Optional.of("broker-1"), election.getLeader());
            election.resign("broker-1");

            GroupMembershipClient group = locator.getGroupMembership("secured-brokers");
            group.join("broker-1", "host-1:9092");
            assertEquals(Map.of("broker-1", "host-1:9092"), group.membership());
            group.leave("broker-1");
            assertEquals(Set.of(), group.membershipList());
        } finally {
            locator.close();
        }
    }

    @Test
    void theRoleCannotTouchAnythingButItsOwnRows() {
        try (CqlSession session = SessionFactory.open(cassandra.roleSettings())) {
            for (String cql : List.of(
                    "SELECT * FROM " + SecuredCassandra.OTHER_KEYSPACE + ".accounts",
                    "INSERT INTO " + SecuredCassandra.OTHER_KEYSPACE + ".accounts (id, owner) VALUES (2, 'mallory')",
                    "TRUNCATE " + SecuredCassandra.OTHER_KEYSPACE + ".accounts",
                    "DROP TABLE " + SecuredCassandra.KEYSPACE + ".kv",
                    "ALTER TABLE " + SecuredCassandra.KEYSPACE + ".kv WITH gc_grace_seconds = 0",
                    "CREATE KEYSPACE evil WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                    "CREATE ROLE evil WITH PASSWORD = 'x' AND LOGIN = true",
                    "GRANT ALL ON ALL KEYSPACES TO " + SecuredCassandra.ROLE)) {
                assertThrows(UnauthorizedException.class, () -> session.execute(cql), cql);
            }
        }
        assertEquals(
                1,
                cassandra
                        .admin
                        .execute("SELECT * FROM " + SecuredCassandra.OTHER_KEYSPACE + ".accounts")
                        .all()
                        .size(),
                "the other application's table is untouched");
    }

    @Test
    void aWrongPasswordIsNamedWithoutShowingItAndNothingStoredIsDamaged(@TempDir Path tmp) throws Exception {
        String key = "/secured/survivor-" + UUID.randomUUID();
        try (CqlSession session = SessionFactory.open(cassandra.roleSettings());
                CassandraStorage storage = new CassandraStorage(session, cassandra.roleSettings())) {
            storage.put(key, "precious");
        }
        String wrong = "Wrong-Pw-0815-secret";
        Map<String, String> properties = cassandra.roleProperties();
        properties.put(CassandraSettings.PASSWORD, wrong);
        CassandraPluginLocator locator = new CassandraPluginLocator();
        StoreUnavailableException e = assertThrows(
                StoreUnavailableException.class,
                () -> locator.startup(
                        SecuredCassandra.pluginProperties(tmp, properties).toString()));
        assertContains(e, "authentication failed for user '" + SecuredCassandra.ROLE + "'");
        assertContains(e, CassandraSettings.PASSWORD);
        assertNeverShows(e, wrong);
        assertNeverShows(e, SecuredCassandra.ROLE_PASSWORD);
        assertThrows(IllegalStateException.class, locator::getStorage, "no service after a failed startup");
        locator.close();

        CassandraPluginLocator corrected = new CassandraPluginLocator();
        corrected.startup(SecuredCassandra.pluginProperties(tmp, cassandra.roleProperties())
                .toString());
        try {
            assertEquals(
                    Optional.of("precious"), corrected.getStorage().fetch(key).get(10, TimeUnit.SECONDS));
        } finally {
            corrected.close();
        }
    }

    @Test
    void noCredentialsAreNamed() {
        assertOpenFails(
                p -> {
                    p.remove(CassandraSettings.USERNAME);
                    p.remove(CassandraSettings.PASSWORD);
                },
                "authentication failed for a client without credentials");
    }

    @Test
    void anUntrustedServerCertificateIsNamed() {
        assertOpenFails(
                p -> p.put(
                        CassandraSettings.SSL_TRUSTSTORE_PATH,
                        cassandra.certificates.impostorTruststore().toString()),
                "the TLS handshake failed");
    }

    @Test
    void aClientWithoutCertificateIsRefused() {
        assertOpenFails(
                p -> {
                    p.remove(CassandraSettings.SSL_KEYSTORE_PATH);
                    p.remove(CassandraSettings.SSL_KEYSTORE_PASSWORD);
                },
                "TLS");
    }

    @Test
    void plainTextToATlsNodeIsRefused() {
        assertOpenFails(
                p -> p.put(CassandraSettings.SSL_ENABLED, "false"),
                "if it requires TLS, set " + CassandraSettings.SSL_ENABLED + "=true");
    }

    @Test
    void aMissingKeyspaceIsNamed() {
        assertOpenFails(
                p -> p.put(CassandraSettings.KEYSPACE, "kc_missing"),
                "keyspace kc_missing does not exist and " + CassandraSettings.SCHEMA_CREATE + " is false");
    }

    @Test
    void theRoleMayNotCreateASchema() {
        assertOpenFails(
                p -> {
                    p.put(CassandraSettings.KEYSPACE, "kc_not_allowed");
                    p.put(CassandraSettings.SCHEMA_CREATE, "true");
                },
                "cannot create the schema in keyspace kc_not_allowed");
        assertTrue(cassandra.admin.refreshSchema().getKeyspace("kc_not_allowed").isEmpty());
    }

    @Test
    void aWrongKeystorePasswordIsNamedWithoutShowingIt() {
        String wrong = "not-the-store-password";
        Map<String, String> p = cassandra.roleProperties();
        p.put(CassandraSettings.SSL_KEYSTORE_PASSWORD, wrong);
        SettingsException e = assertThrows(
                SettingsException.class,
                () -> SessionFactory.open(CassandraSettings.fromMap(p)).close());
        assertContains(e, CassandraSettings.SSL_KEYSTORE_PATH);
        assertNeverShows(e, wrong);
        String settings = cassandra.roleSettings().toString();
        assertFalse(
                settings.contains(SecuredCassandra.ROLE_PASSWORD) || settings.contains(TestCertificates.STORE_PASSWORD),
                settings);
    }

    /** Opens a session with the role's settings changed by {@code change}, expecting a clear error. */
    private static void assertOpenFails(Consumer<Map<String, String>> change, String expected) {
        Map<String, String> p = cassandra.roleProperties();
        change.accept(p);
        CassandraSettings settings = CassandraSettings.fromMap(p);
        long began = System.nanoTime();
        StoreUnavailableException e = assertThrows(
                StoreUnavailableException.class,
                () -> SessionFactory.open(settings).close());
        System.out.printf(
                "[security] %s -> after %d ms: %s%n",
                expected, Duration.ofNanos(System.nanoTime() - began).toMillis(), e.getMessage());
        assertContains(e, expected);
        assertNeverShows(e, SecuredCassandra.ROLE_PASSWORD);
        assertNeverShows(e, TestCertificates.STORE_PASSWORD);
    }

    private static void assertContains(Throwable e, String expected) {
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    /** Neither the message nor any cause's message shows {@code secret}. */
    private static void assertNeverShows(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t).contains(secret), "a secret shows in " + t);
        }
    }
}
