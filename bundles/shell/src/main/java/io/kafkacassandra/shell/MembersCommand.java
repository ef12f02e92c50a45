package io.kafkacassandra.shell;

import io.kafkacassandra.membership.CassandraGroupMembership;
import io.kafkacassandra.session.internal.Text;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.apache.kafka.plugin.interfaces.PluginLocator;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

@Command(
        scope = "kafka-cassandra",
        name = "members",
        description = "Lists the members of a group with their data; can join or leave a member."
                + " Only listing creates no client: it asks the configured membership client of the group, or reads"
                + " the membership table for a group nobody configured. --join and --leave use the configured"
                + " client, or the one the plugin locator makes for the group and keeps until the bridge bundle stops")
@Service
public class MembersCommand implements Action {
    @Reference(optional = true)
    PluginLocator locator;

    /** The configured clients and the connection come and go: looked up when the command runs (see Services). */
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "group", description = "The group", required = false)
    String group = "brokers";

    @Option(name = "--join", description = "Join this member id (its data: --data)")
    String join;

    @Option(name = "--data", description = "Data of the member to join")
    String data = "";

    @Option(name = "--leave", description = "Leave this member id (joined through this container)")
    String leave;

    @Override
    public Object execute() {
        Text.id("group", group);
        if (join == null && leave == null) {
            System.out.println(group + ": " + look());
            return null;
        }
        LeaseAwareGroupMembershipClient client = (LeaseAwareGroupMembershipClient)
                Services.require(locator, PluginLocator.class).getGroupMembership(group);
        if (join != null) {
            client.join(join, data);
        }
        if (leave != null) {
            client.leave(leave);
        }
        System.out.println(group + ": " + describe(client));
        return null;
    }

    /** The members without creating a client. */
    private String look() {
        return Services.current(context, LeaseAwareGroupMembershipClient.class).stream()
                .filter(configured -> group.equals(configured.group()))
                .findFirst()
                .map(MembersCommand::describe)
                .orElseGet(() -> Services.readDirectly(
                        context,
                        c -> format(CassandraGroupMembership.readMembership(c.session(), c.settings(), group))));
    }

    static String describe(LeaseAwareGroupMembershipClient client) {
        try {
            return format(client.membership());
        } catch (RuntimeException e) {
            return Services.unavailable(e);
        }
    }

    private static String format(Map<String, String> members) {
        return members.isEmpty() ? "no members" : new TreeMap<>(members).toString();
    }
}
