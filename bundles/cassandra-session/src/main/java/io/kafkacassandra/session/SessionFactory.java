package io.kafkacassandra.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import io.kafkacassandra.session.internal.ClusterChecks;
import io.kafkacassandra.session.internal.ConnectionErrors;
import io.kafkacassandra.session.internal.Schema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * Opens the driver session the services share. Consistency is fixed here, for correctness: QUORUM for plain
 * reads and for the commit of lightweight transactions, SERIAL for their conditions and for linearizable reads.
 * Nothing is idempotent by default, so the driver never retries a write on its own.
 */
public final class SessionFactory {
    /**
     * The execution profile of lease renewals. A renewal is idempotent (applying it twice only refreshes the TTL
     * twice), so the driver may send it to a second and a third coordinator while the first does not answer: one
     * frozen or slow replica then no longer costs a leader its post or a member its place. It gives up after the
     * lease validity, when the renewal could no longer extend the local deadline anyway.
     */
    public static final String RENEWAL_PROFILE = "lease-renewal";

    /**
     * The execution profile of reads (linearizable reads, polls, the reads that settle unknown outcomes). A read
     * has no effect but completing a half-done Paxos round, which is safe to do twice, so reads are idempotent:
     * one that its coordinator has not answered after half the request timeout is also sent to another
     * coordinator, and the driver's retry policy may retry it elsewhere. A frozen coordinator then holds a poll or
     * a read for half the request timeout, not all of it.
     */
    public static final String READ_PROFILE = "read";

    static final List<String> SESSION_METRICS = List.of(
            "connected-nodes",
            "cql-requests",
            "cql-client-timeouts",
            "bytes-sent",
            "bytes-received",
            "throttling.errors");
    static final List<String> NODE_METRICS = List.of(
            "pool.open-connections",
            "pool.in-flight",
            "errors.request.unsent",
            "errors.request.aborted",
            "errors.request.write-timeouts",
            "errors.request.read-timeouts",
            "errors.request.unavailables",
            "errors.request.others",
            "errors.connection.init",
            "errors.connection.auth",
            "speculative-executions");

    private SessionFactory() {}

    /**
     * The delay before a read is also sent to another coordinator: half the request timeout. Sooner, second
     * executions double the reads (Paxos rounds, for SERIAL ones) exactly when Cassandra is overloaded: the fault
     * harness on two cores saw memberships lapse under that load.
     */
    static Duration speculativeReadDelay(CassandraSettings settings) {
        return settings.requestTimeout().dividedBy(2);
    }

    /** The delay before a renewal is also sent to another coordinator: a quarter of the lease validity. */
    static Duration speculativeRenewalDelay(CassandraSettings settings) {
        return Duration.ofMillis(Math.max(50, settings.leaseValidity().toMillis() / 4));
    }

    /**
     * Opens a session with the driver's own class loader (what OSGi needs: the driver loads its
     * {@code reference.conf} and its components through it).
     */
    public static CqlSession open(CassandraSettings settings) {
        return open(settings, CqlSession.class.getClassLoader());
    }

    public static CqlSession open(CassandraSettings settings, ClassLoader classLoader) {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder(classLoader)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.requestTimeout())
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, settings.connectTimeout())
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, settings.connectTimeout())
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, settings.connectTimeout())
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "QUORUM")
                .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "SERIAL")
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, false)
                .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, 5000)
                .withString(DefaultDriverOption.SESSION_NAME, "kafka-cassandra")
                // The driver's own metrics, published on JMX by DriverMetricsJmx.
                .withStringList(DefaultDriverOption.METRICS_SESSION_ENABLED, SESSION_METRICS)
                .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, NODE_METRICS)
                // A node the driver marked down (a freeze longer than the heartbeat timeout) is tried again soon:
                // until then it cannot take a renewal that another node failed to answer.
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
                .startProfile(RENEWAL_PROFILE)
                .withString(
                        DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS, "ConstantSpeculativeExecutionPolicy")
                .withInt(DefaultDriverOption.SPECULATIVE_EXECUTION_MAX, 3)
                .withDuration(DefaultDriverOption.SPECULATIVE_EXECUTION_DELAY, speculativeRenewalDelay(settings))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.leaseValidity())
                .endProfile()
                .startProfile(READ_PROFILE)
                .withString(
                        DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS, "ConstantSpeculativeExecutionPolicy")
                // Two executions at most: a SERIAL read is a Paxos round, and more would contend under load.
                .withInt(DefaultDriverOption.SPECULATIVE_EXECUTION_MAX, 2)
                .withDuration(DefaultDriverOption.SPECULATIVE_EXECUTION_DELAY, speculativeReadDelay(settings))
                .endProfile()
                .build();
        CqlSessionBuilder builder = CqlSession.builder()
                .withConfigLoader(config)
                .withClassLoader(classLoader)
                .addContactPoints(settings.contactPoints())
                .withLocalDatacenter(settings.localDatacenter());
        if (settings.username().isPresent()) {
            builder.withAuthCredentials(
                    settings.username().get(), settings.password().orElseThrow());
        }
        settings.tls()
                .ifPresent(tls -> builder.withSslEngineFactory(
                        new ProgrammaticSslEngineFactory(sslContext(tls), null, tls.hostnameValidation())));
        try {
            CqlSession session = builder.build();
            try {
                ClusterChecks.requirePaxosV2(session);
                Replication replication = ClusterChecks.replicationFor(session, settings);
                if (settings.createSchema()) {
                    Schema.create(session, settings, replication);
                } else {
                    Schema.requireExisting(session, settings);
                }
                ClusterChecks.reportReplicationDrift(session, settings, replication);
                return session;
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreUnavailableException(ConnectionErrors.describe(settings, e), e);
        }
    }

    static SSLContext sslContext(CassandraSettings.Tls tls) {
        try {
            TrustManagerFactory trust = null;
            if (tls.truststore() != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(tls.truststore(), tls.truststorePassword(), CassandraSettings.SSL_TRUSTSTORE_PATH));
            }
            KeyManagerFactory keys = null;
            if (tls.keystore() != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] password = tls.keystorePassword() == null
                        ? new char[0]
                        : tls.keystorePassword().toCharArray();
                keys.init(load(tls.keystore(), tls.keystorePassword(), CassandraSettings.SSL_KEYSTORE_PATH), password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (SettingsException e) {
            throw e;
        } catch (Exception e) {
            throw new SettingsException(CassandraSettings.SSL_ENABLED, "cannot set up TLS: " + e.getMessage());
        }
    }

    private static KeyStore load(Path path, String password, String key) throws Exception {
        if (!Files.isReadable(path)) {
            throw new SettingsException(key, "cannot read " + path);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password == null ? null : password.toCharArray());
        } catch (Exception e) {
            throw new SettingsException(
                    key,
                    "cannot load " + path + " (wrong password or not a key store): "
                            + e.getClass().getSimpleName());
        }
        return store;
    }
}
