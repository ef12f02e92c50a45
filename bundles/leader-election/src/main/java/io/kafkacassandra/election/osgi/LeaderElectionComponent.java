package io.kafkacassandra.election.osgi;

import io.kafkacassandra.election.ReconnectingLeaderElection;
import io.kafkacassandra.session.osgi.FollowingServiceComponent;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One leader election client ({@link ReconnectingLeaderElection}) per factory configuration of {@value #PID} (for
 * example {@code etc/io.kafkacassandra.election-controller.cfg} with {@code service = kafka_controller}),
 * registered with its {@code service} property so that a broker can pick the one it needs.
 */
@Component(
        configurationPid = LeaderElectionComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {},
        immediate = true)
@Designate(ocd = LeaderElectionComponent.Config.class, factory = true)
public final class LeaderElectionComponent extends FollowingServiceComponent {
    public static final String PID = "io.kafkacassandra.election";

    @ObjectClassDefinition(
            name = "kafka-cassandra: leader election",
            description = "A leader election client for one service (resource), e.g. kafka_controller")
    public @interface Config {
        @AttributeDefinition(name = "Service", description = "The elected service (resource) name")
        String service();
    }

    @Activate
    public LeaderElectionComponent(Config config) {
        super(
                new ReconnectingLeaderElection(config.service()),
                LeaderElectionClient.class,
                FencedLeaderElectionClient.class);
    }
}
