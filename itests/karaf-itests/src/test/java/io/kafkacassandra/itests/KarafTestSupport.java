package io.kafkacassandra.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.kafkacassandra.session.CassandraConnection;
import java.io.File;
import java.util.Dictionary;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every Karaf test class shares: a stock Apache Karaf with the feature kafka-cassandra installed at boot,
 * configured for Cassandra node A, and helpers that wait for services and for the store.
 */
public abstract class KarafTestSupport {
    protected static final String PID = "io.kafkacassandra.cassandra";
    protected static final long WAIT_MS = 60_000;

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    @Inject
    protected SessionFactory shell;

    @Inject
    protected FeaturesService features;

    @Configuration
    public Option[] config() {
        ItestCassandra.start();
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf")
                .artifactId("apache-karaf")
                .type("tar.gz")
                .version(System.getProperty("karaf.version"));
        MavenArtifactUrlReference feature = maven().groupId("io.kafkacassandra")
                .artifactId("kafka-cassandra-features")
                .type("xml")
                .classifier("features")
                .version(System.getProperty("project.version"));
        String cfg = "etc/" + PID + ".cfg";
        return options(
                karafDistributionConfiguration()
                        .frameworkUrl(karaf)
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevelOption.LogLevel.INFO),
                editConfigurationFilePut(
                        "etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local")),
                editConfigurationFilePut(cfg, "plugin.cassandra.contact.points", ItestCassandra.NODE_A),
                editConfigurationFilePut(cfg, "plugin.cassandra.keyspace", "itest_a"),
                editConfigurationFilePut(cfg, "plugin.cassandra.lr.pull.period.ms", "200"),
                features(feature, "kafka-cassandra"));
    }

    /** The session registered before the last {@link #update} or {@link #remove}. */
    private CassandraConnection beforeUpdate;

    protected CassandraConnection currentConnection() {
        org.osgi.framework.ServiceReference<CassandraConnection> ref =
                context.getServiceReference(CassandraConnection.class);
        return ref == null ? null : context.getService(ref);
    }

    /**
     * Waits until the registered session is the one of the last configuration change (config admin is
     * asynchronous: until it is applied, the session of the previous configuration is still registered).
     */
    protected void awaitConnectedTo(String host) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            CassandraConnection current = currentConnection();
            if (current != null
                    && current != beforeUpdate
                    && current.settings().contactPoints().get(0).getHostString().equals(host)) {
                retry(() -> service(Storage.class, null).fetch("/itest/any").get(10, TimeUnit.SECONDS));
                return;
            }
            Thread.sleep(100);
        }
        fail("no session to " + host + " within " + WAIT_MS + " ms");
    }

    protected void update(String... keysAndValues) throws Exception {
        beforeUpdate = currentConnection();
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        configuration.update(properties);
    }

    protected void remove(String... keys) throws Exception {
        updateAndRemove(java.util.List.of(keys));
    }

    /** One configuration change: removes {@code keys}, then puts the pairs. */
    protected void updateAndRemove(java.util.List<String> keys, String... keysAndValues) throws Exception {
        beforeUpdate = currentConnection();
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        for (String key : keys) {
            properties.remove(key);
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        configuration.update(properties);
    }

    protected <T> T service(Class<T> type, String filter) throws Exception {
        String full = "(objectClass=" + type.getName() + ")";
        if (filter != null) {
            full = "(&" + full + filter + ")";
        }
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(full), null);
        tracker.open();
        T service = tracker.waitForService(WAIT_MS);
        assertNotNull("no " + full + " within " + WAIT_MS + " ms", service);
        return service;
    }

    /** Retries while the store is unavailable (the session is being opened or replaced). */
    protected static <T> T retry(java.util.concurrent.Callable<T> call) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                return call.call();
            } catch (StoreUnavailableException | java.util.concurrent.ExecutionException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    protected static void await(BlockingQueue<Optional<String>> queue, Optional<String> expected)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Optional<String> event = queue.poll(1, TimeUnit.SECONDS);
            if (expected.equals(event)) {
                return;
            }
        }
        fail("not told " + expected + " within " + WAIT_MS + " ms");
    }

    /** Runs a shell command as an operator would; returns what it printed (errors included). */
    protected String execute(String command) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session session =
                shell.create(new java.io.ByteArrayInputStream(new byte[0]), out, out);
        try {
            session.execute(command);
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    protected static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until nothing accepts connections on the port of 127.0.0.1, at most {@link #WAIT_MS}. */
    protected static void awaitClosed(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            } catch (java.io.IOException closed) {
                return;
            }
            Thread.sleep(200);
        }
        fail("port " + port + " still accepts connections");
    }
}
