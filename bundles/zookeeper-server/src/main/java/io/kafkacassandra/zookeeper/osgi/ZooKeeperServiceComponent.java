package io.kafkacassandra.zookeeper.osgi;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.zookeeper.ReconnectingZooKeeperService;
import io.kafkacassandra.zookeeper.ZooKeeperService;
import io.kafkacassandra.zookeeper.ZooKeeperSettings;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A ZooKeeper service instance per configuration of {@value #PID} ({@code etc/io.kafkacassandra.zookeeper.cfg}),
 * on the current Cassandra connection. A changed configuration restarts it (SCR deactivates and activates the
 * component); clients reconnect within their session timeout and keep their sessions.
 */
@Component(
        configurationPid = ZooKeeperServiceComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ZooKeeperServiceComponent.class, // for this bundle's shell command
        immediate = true)
@Designate(ocd = ZooKeeperServiceComponent.Config.class)
public final class ZooKeeperServiceComponent {
    public static final String PID = "io.kafkacassandra.zookeeper";

    @ObjectClassDefinition(
            name = "kafka-cassandra: ZooKeeper service",
            description = "A ZooKeeper-protocol server whose state lives in Cassandra")
    public @interface Config {
        @AttributeDefinition(description = "Port for ZooKeeper clients")
        int clientPort() default 2181;

        @AttributeDefinition(description = "Address the client port binds to (loopback unless set)")
        String clientPortAddress() default "127.0.0.1";

        @AttributeDefinition(description = "Instances with the same keyspace and service name are one service")
        String serviceName() default "zookeeper";

        @AttributeDefinition(description = "ZooKeeper's tick, in milliseconds")
        int tickTime() default 2000;

        @AttributeDefinition(description = "Smallest session timeout granted, ms (default: two ticks)")
        int minSessionTimeout() default -1;

        @AttributeDefinition(description = "Largest session timeout granted, ms (default: twenty ticks)")
        int maxSessionTimeout() default -1;

        @AttributeDefinition(description = "Connections per client address, 0 for no limit")
        int maxClientCnxns() default 60;

        @AttributeDefinition(
                description = "How often the log is read anyway, for other instances' writes whose nudge was lost, ms")
        int tailReadPeriodMs() default ZooKeeperSettings.DEFAULT_TAIL_READ_PERIOD_MS;

        @AttributeDefinition(
                description =
                        "UDP port on clientPortAddress where other instances' writes are announced (0: any, -1: off)")
        int nudgePort() default 0;

        @AttributeDefinition(description = "Transactions between two snapshots of the tree in Cassandra")
        int snapCount() default 100_000;
    }

    private final ReconnectingZooKeeperService service;

    @Activate
    public ZooKeeperServiceComponent(Map<String, Object> properties) {
        Map<String, Object> settings = new java.util.HashMap<>();
        for (String key : new String[] {
            ZooKeeperSettings.CLIENT_PORT,
            ZooKeeperSettings.CLIENT_PORT_ADDRESS,
            ZooKeeperSettings.SERVICE_NAME,
            ZooKeeperSettings.TICK_TIME,
            ZooKeeperSettings.MIN_SESSION_TIMEOUT,
            ZooKeeperSettings.MAX_SESSION_TIMEOUT,
            ZooKeeperSettings.MAX_CLIENT_CNXNS,
            ZooKeeperSettings.TAIL_READ_PERIOD_MS,
            ZooKeeperSettings.NUDGE_PORT,
            ZooKeeperSettings.SNAP_COUNT
        }) {
            Object value = properties.get(key);
            if (value != null) {
                settings.put(key, value);
            }
        }
        this.service = new ReconnectingZooKeeperService(ZooKeeperSettings.fromMap(settings));
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindConnection(CassandraConnection connection) {
        service.connect(connection);
    }

    void unbindConnection(CassandraConnection connection) {
        service.disconnect(connection);
    }

    /** The instance running now; empty while there is no Cassandra connection or it could not start. */
    public Optional<ZooKeeperService> running() {
        return Optional.ofNullable(service.running());
    }

    @Deactivate
    void deactivate() {
        service.close();
    }
}
