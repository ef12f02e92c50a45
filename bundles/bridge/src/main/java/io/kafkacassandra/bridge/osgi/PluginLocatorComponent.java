package io.kafkacassandra.bridge.osgi;

import io.kafkacassandra.election.ReconnectingLeaderElection;
import io.kafkacassandra.membership.ReconnectingGroupMembership;
import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.internal.Text;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.PluginLocator;
import org.apache.kafka.plugin.interfaces.Storage;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-30 {@link PluginLocator} for a broker that runs inside the container. It hands out the registered
 * services: the election client configured for a service name (factory PID {@code io.kafkacassandra.election})
 * or, for a name nobody configured, one it makes itself on the current Cassandra session; likewise for groups.
 * Everything it hands out follows the session when the configuration changes, and answers
 * {@link org.apache.kafka.plugin.interfaces.StoreUnavailableException} at once, never hangs, while there is
 * none. {@link #startup(String)} does nothing (the configuration is config admin's); {@link #close()} closes
 * only the clients this locator made.
 */
@Component(service = PluginLocator.class, immediate = true)
public final class PluginLocatorComponent implements PluginLocator {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLocatorComponent.class);

    private final Map<String, LeaderElectionClient> configuredElections = new ConcurrentHashMap<>();
    private final Map<String, GroupMembershipClient> configuredGroups = new ConcurrentHashMap<>();
    private final Map<String, ReconnectingLeaderElection> ownElections = new ConcurrentHashMap<>();
    private final Map<String, ReconnectingGroupMembership> ownGroups = new ConcurrentHashMap<>();
    private volatile CassandraConnection connection;

    @Reference
    private Storage storage;

    @Reference
    private ListenerRegistry listenerRegistry;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindConnection(CassandraConnection next) {
        connection = next;
        ownElections.values().forEach(e -> e.connect(next));
        ownGroups.values().forEach(g -> g.connect(next));
    }

    synchronized void unbindConnection(CassandraConnection gone) {
        if (connection == gone) {
            connection = null;
        }
        ownElections.values().forEach(e -> e.disconnect(gone));
        ownGroups.values().forEach(g -> g.disconnect(gone));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindElection(LeaderElectionClient client, Map<String, Object> properties) {
        Object service = properties.get("service");
        if (service != null) {
            configuredElections.put(service.toString(), client);
        }
    }

    void unbindElection(LeaderElectionClient client, Map<String, Object> properties) {
        configuredElections.values().remove(client);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindGroup(GroupMembershipClient client, Map<String, Object> properties) {
        Object group = properties.get("group");
        if (group != null) {
            configuredGroups.put(group.toString(), client);
        }
    }

    void unbindGroup(GroupMembershipClient client, Map<String, Object> properties) {
        configuredGroups.values().remove(client);
    }

    @Override
    public void startup(String configFile) {
        LOG.info(
                "kafka-cassandra in OSGi is configured by config admin (PID io.kafkacassandra.cassandra);"
                        + " plugin.configuration.file {} is not read",
                configFile);
    }

    @Override
    public LeaderElectionClient getLeaderElection(String service) {
        Text.id("service", service);
        LeaderElectionClient configured = configuredElections.get(service);
        if (configured != null) {
            return configured;
        }
        synchronized (this) {
            return ownElections.computeIfAbsent(service, name -> {
                ReconnectingLeaderElection made = new ReconnectingLeaderElection(name);
                if (connection != null) {
                    made.connect(connection);
                }
                return made;
            });
        }
    }

    @Override
    public GroupMembershipClient getGroupMembership(String group) {
        Text.id("group", group);
        GroupMembershipClient configured = configuredGroups.get(group);
        if (configured != null) {
            return configured;
        }
        synchronized (this) {
            return ownGroups.computeIfAbsent(group, name -> {
                ReconnectingGroupMembership made = new ReconnectingGroupMembership(name);
                if (connection != null) {
                    made.connect(connection);
                }
                return made;
            });
        }
    }

    @Override
    public Storage getStorage() {
        return storage;
    }

    @Override
    public ListenerRegistry getListenerRegistry() {
        return listenerRegistry;
    }

    @Deactivate
    @Override
    public synchronized void close() {
        ownElections.values().forEach(ReconnectingLeaderElection::close);
        ownGroups.values().forEach(ReconnectingGroupMembership::close);
        ownElections.clear();
        ownGroups.clear();
    }
}
