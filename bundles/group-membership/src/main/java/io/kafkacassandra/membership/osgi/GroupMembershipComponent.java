package io.kafkacassandra.membership.osgi;

import io.kafkacassandra.membership.ReconnectingGroupMembership;
import io.kafkacassandra.session.osgi.FollowingServiceComponent;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One group membership client ({@link ReconnectingGroupMembership}) per factory configuration of {@value #PID}
 * (for example {@code etc/io.kafkacassandra.membership-brokers.cfg} with {@code group = brokers}), registered with
 * its {@code group} property.
 */
@Component(
        configurationPid = GroupMembershipComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {},
        immediate = true)
@Designate(ocd = GroupMembershipComponent.Config.class, factory = true)
public final class GroupMembershipComponent extends FollowingServiceComponent {
    public static final String PID = "io.kafkacassandra.membership";

    @ObjectClassDefinition(
            name = "kafka-cassandra: group membership",
            description = "A group membership client for one group, e.g. brokers")
    public @interface Config {
        @AttributeDefinition(name = "Group", description = "The group name")
        String group();
    }

    @Activate
    public GroupMembershipComponent(Config config) {
        super(
                new ReconnectingGroupMembership(config.group()),
                GroupMembershipClient.class,
                LeaseAwareGroupMembershipClient.class);
    }
}
