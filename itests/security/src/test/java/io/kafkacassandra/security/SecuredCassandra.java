package io.kafkacassandra.security;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.NodeSettings;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * One Cassandra node per test JVM with PasswordAuthenticator, CassandraAuthorizer and client TLS that requires a
 * client certificate, shared by the test classes of this module. The superuser creates the plugin's schema, the
 * least-privilege role {@value #ROLE} (SELECT and MODIFY on {@value #KEYSPACE}, nothing else) and another
 * application's keyspace {@value #OTHER_KEYSPACE} that the role must not reach.
 */
final class SecuredCassandra {
    static final String ADDRESS = "127.0.0.31";
    static final String KEYSPACE = "kc_secured";
    static final String OTHER_KEYSPACE = "other_app";
    static final String ROLE = "kafka_plugin";
    /** The role's password: the tests check it never shows in an error. */
    static final String ROLE_PASSWORD = "Role-Pw-4711-secret";

    private static SecuredCassandra instance;

    final TestCertificates certificates;
    final CassandraCluster cluster;
    final CqlSession admin;

    private SecuredCassandra(TestCertificates certificates, CassandraCluster cluster, CqlSession admin) {
        this.certificates = certificates;
        this.cluster = cluster;
        this.admin = admin;
    }

    static synchronized SecuredCassandra get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static SecuredCassandra start() {
        Path dir = Path.of(System.getProperty("kafka.cassandra.test.dir", "target/cassandra"))
                .toAbsolutePath()
                .resolve("secured");
        TestCertificates certificates = TestCertificates.create(dir.resolve("certificates"), ADDRESS);
        CassandraCluster cluster = CassandraCluster.builder()
                .nodes(1)
                .firstHost(31)
                .directory(dir.resolve("ring-" + ProcessHandle.current().pid()))
                .authentication(true)
                .clientTls(new NodeSettings.ClientTls(
                        certificates.nodeKeystore(),
                        TestCertificates.STORE_PASSWORD,
                        certificates.nodeTruststore(),
                        TestCertificates.STORE_PASSWORD,
                        true))
                .start();
        SecuredCassandra secured = new SecuredCassandra(certificates, cluster, null);
        CqlSession admin = secured.openAsSuperuser();
        Runtime.getRuntime().addShutdownHook(new Thread(admin::close, "secured-cassandra-admin-close"));
        for (String cql : List.of(
                "CREATE ROLE IF NOT EXISTS " + ROLE + " WITH PASSWORD = '" + ROLE_PASSWORD + "' AND LOGIN = true",
                "GRANT SELECT ON KEYSPACE " + KEYSPACE + " TO " + ROLE,
                "GRANT MODIFY ON KEYSPACE " + KEYSPACE + " TO " + ROLE,
                // The plugin refuses to serve unless every node runs Paxos v2, which it reads here.
                "GRANT SELECT ON TABLE system_views.settings TO " + ROLE,
                "CREATE KEYSPACE IF NOT EXISTS " + OTHER_KEYSPACE
                        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                "CREATE TABLE IF NOT EXISTS " + OTHER_KEYSPACE + ".accounts (id int PRIMARY KEY, owner text)",
                "INSERT INTO " + OTHER_KEYSPACE + ".accounts (id, owner) VALUES (1, 'alice')")) {
            admin.execute(SimpleStatement.newInstance(cql).setTimeout(Duration.ofSeconds(30)));
        }
        return new SecuredCassandra(certificates, cluster, admin);
    }

    /**
     * The superuser's session; it also creates the plugin's schema. The node creates the superuser role shortly
     * after it starts answering CQL, so authentication is retried for a while.
     */
    private CqlSession openAsSuperuser() {
        Map<String, String> p = roleProperties();
        p.put(CassandraSettings.USERNAME, NodeSettings.SUPERUSER);
        p.put(CassandraSettings.PASSWORD, NodeSettings.SUPERUSER_PASSWORD);
        p.put(CassandraSettings.SCHEMA_CREATE, "true");
        CassandraSettings settings = CassandraSettings.fromMap(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return SessionFactory.open(settings);
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(500);
            }
        }
    }

    /**
     * What an operator writes in plugin.properties for the least-privilege role: credentials, TLS with the
     * node's certificate trusted, a client certificate, hostname validation, no schema creation.
     */
    Map<String, String> roleProperties() {
        Map<String, String> p = new HashMap<>();
        p.put(
                CassandraSettings.CONTACT_POINTS,
                ADDRESS + ":" + cluster.node(0).contactPoint().getPort());
        p.put(CassandraSettings.LOCAL_DATACENTER, cluster.localDatacenter());
        p.put(CassandraSettings.KEYSPACE, KEYSPACE);
        p.put(CassandraSettings.SAFETY_POLL_PERIOD_MS, "1000"); // the bound if a hint is lost: short here
        p.put(CassandraSettings.USERNAME, ROLE);
        p.put(CassandraSettings.PASSWORD, ROLE_PASSWORD);
        p.put(CassandraSettings.SSL_ENABLED, "true");
        p.put(
                CassandraSettings.SSL_TRUSTSTORE_PATH,
                certificates.clientTruststore().toString());
        p.put(CassandraSettings.SSL_TRUSTSTORE_PASSWORD, TestCertificates.STORE_PASSWORD);
        p.put(CassandraSettings.SSL_KEYSTORE_PATH, certificates.clientKeystore().toString());
        p.put(CassandraSettings.SSL_KEYSTORE_PASSWORD, TestCertificates.STORE_PASSWORD);
        p.put(CassandraSettings.SSL_HOSTNAME_VALIDATION, "true");
        p.put(CassandraSettings.SCHEMA_CREATE, "false");
        return p;
    }

    CassandraSettings roleSettings() {
        return CassandraSettings.fromMap(roleProperties());
    }

    /** Writes {@code properties} as a plugin.properties file for {@code CassandraPluginLocator.startup}. */
    static Path pluginProperties(Path dir, Map<String, String> properties) {
        Properties file = new Properties();
        file.putAll(properties);
        Path path = dir.resolve("plugin.properties");
        try (OutputStream out = Files.newOutputStream(path)) {
            file.store(out, "kafka-cassandra test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return path;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
