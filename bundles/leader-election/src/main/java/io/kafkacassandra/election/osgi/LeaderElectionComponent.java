package io.kafkacassandra.election.osgi;

import io.kafkacassandra.election.ReconnectingLeaderElection;
import io.kafkacassandra.session.CassandraConnection;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
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
 * One leader election client per factory configuration of {@value #PID} (for example
 * {@code etc/io.kafkacassandra.election-controller.cfg} with {@code service = kafka_controller}), registered with
 * its {@code service} property so that a broker can pick the one it needs.
 */
@Component(configurationPid = LeaderElectionComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {LeaderElectionClient.class, FencedLeaderElectionClient.class}, immediate = true)
@Designate(ocd = LeaderElectionComponent.Config.class, factory = true)
public final class LeaderElectionComponent extends ReconnectingLeaderElection {
    public static final String PID = "io.kafkacassandra.election";

    @ObjectClassDefinition(name = "kafka-cassandra: leader election",
            description = "A leader election client for one service (resource), e.g. kafka_controller")
    public @interface Config {
        @AttributeDefinition(name = "Service", description = "The elected service (resource) name")
        String service();
    }

    @Activate
    public LeaderElectionComponent(Config config) {
        super(config.service());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindConnection(CassandraConnection connection) {
        connect(connection);
    }

    void unbindConnection(CassandraConnection connection) {
        disconnect(connection);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
