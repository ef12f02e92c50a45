package io.kafkacassandra.bridge;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.election.CassandraLeaderElection;
import io.kafkacassandra.listeners.CassandraListenerRegistry;
import io.kafkacassandra.membership.CassandraGroupMembership;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.internal.ChangeFeed;
import io.kafkacassandra.session.internal.DriverMetricsJmx;
import io.kafkacassandra.session.monitoring.JmxRegistration;
import io.kafkacassandra.storage.CassandraStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.PluginLocator;
import org.apache.kafka.plugin.interfaces.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain {@link PluginLocator} of a KIP-30-patched broker ({@code plugin.locator.classname}).
 * {@link #startup(String)} reads {@code plugin.properties} (see docs/plugin.properties), opens one Cassandra
 * session and builds the services on it. The election and membership clients are made on first request, one
 * per service or group name, and the same instance is returned afterwards. Getters before {@code startup} or
 * after {@link #close()} throw {@link IllegalStateException}; {@code close} closes every client handed out and
 * the session, and is idempotent. Each service's health and metrics are on the platform MBean server as
 * {@code io.kafkacassandra:type=<Type>,name="<name>"} while the locator is open.
 */
public class CassandraPluginLocator implements PluginLocator {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraPluginLocator.class);

    private final Map<String, CassandraLeaderElection> elections = new ConcurrentHashMap<>();
    private final Map<String, CassandraGroupMembership> groups = new ConcurrentHashMap<>();
    /** The services' monitors on JMX (io.kafkacassandra:type=...), unregistered by close. */
    private final List<JmxRegistration> published = new CopyOnWriteArrayList<>();

    private volatile Services services;
    private volatile boolean closed;

    private record Services(
            CassandraSettings settings,
            CqlSession session,
            CassandraStorage storage,
            CassandraListenerRegistry listeners,
            DriverMetricsJmx driverMetrics) {}

    /** For {@code Class.forName(...).getDeclaredConstructor().newInstance()}, as the patched broker does. */
    public CassandraPluginLocator() {}

    @Override
    public synchronized void startup(String configFile) {
        if (closed) {
            throw new IllegalStateException("this plugin locator is closed");
        }
        if (services != null) {
            throw new IllegalStateException("startup was already called");
        }
        if (configFile == null || configFile.isBlank()) {
            throw new IllegalArgumentException("plugin.configuration.file is not set: it must name plugin.properties");
        }
        CassandraSettings settings = CassandraSettings.fromProperties(load(Path.of(configFile)));
        LOG.info("kafka-cassandra starts with {}", settings);
        CqlSession session = SessionFactory.open(settings, CqlSession.class.getClassLoader());
        try {
            services = new Services(
                    settings,
                    session,
                    new CassandraStorage(session, settings),
                    new CassandraListenerRegistry(session, settings),
                    DriverMetricsJmx.publish(session));
            published.add(JmxRegistration.register(services.storage.monitor()));
            published.add(JmxRegistration.register(services.listeners.monitor()));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    static Properties load(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("plugin.configuration.file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read plugin.configuration.file " + file, e);
        }
        return properties;
    }

    @Override
    public GroupMembershipClient getGroupMembership(String group) {
        Services s = started();
        return groups.computeIfAbsent(group, g -> publish(new CassandraGroupMembership(s.session, s.settings, g)));
    }

    @Override
    public LeaderElectionClient getLeaderElection(String service) {
        Services s = started();
        return elections.computeIfAbsent(
                service, name -> publish(new CassandraLeaderElection(s.session, s.settings, name)));
    }

    private CassandraGroupMembership publish(CassandraGroupMembership membership) {
        published.add(JmxRegistration.register(membership.monitor()));
        return membership;
    }

    private CassandraLeaderElection publish(CassandraLeaderElection election) {
        published.add(JmxRegistration.register(election.monitor()));
        return election;
    }

    @Override
    public Storage getStorage() {
        return started().storage;
    }

    @Override
    public ListenerRegistry getListenerRegistry() {
        return started().listeners;
    }

    @Override
    public void close() {
        Services s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = services;
        }
        published.forEach(JmxRegistration::close);
        elections.values().forEach(CassandraLeaderElection::close);
        groups.values().forEach(CassandraGroupMembership::close);
        if (s != null) {
            s.listeners.close();
            s.storage.close();
            s.driverMetrics.close();
            ChangeFeed.awaitAnnounced(); // the last writes' hints (a group's leave) go out before the session closes
            s.session.close();
        }
        LOG.info("kafka-cassandra closed");
    }

    private Services started() {
        Services s = services;
        if (closed) {
            throw new IllegalStateException("this plugin locator is closed");
        }
        if (s == null) {
            throw new IllegalStateException("call startup(configFile) before asking for a service");
        }
        return s;
    }
}
