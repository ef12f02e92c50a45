package io.kafkacassandra.shell;

import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.apache.kafka.plugin.interfaces.PluginLocator;
import org.osgi.framework.BundleContext;

@Command(scope = "kafka-cassandra", name = "members",
        description = "Lists the members of a group with their data; can join or leave a member")
@Service
public class MembersCommand implements Action {
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
        LeaseAwareGroupMembershipClient client = (LeaseAwareGroupMembershipClient)
                Services.one(context, PluginLocator.class).getGroupMembership(group);
        if (join != null) {
            client.join(join, data);
        }
        if (leave != null) {
            client.leave(leave);
        }
        System.out.println(group + ": " + describe(client));
        return null;
    }

    static String describe(LeaseAwareGroupMembershipClient client) {
        try {
            Map<String, String> members = new TreeMap<>(client.membership());
            return members.isEmpty() ? "no members" : members.toString();
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
