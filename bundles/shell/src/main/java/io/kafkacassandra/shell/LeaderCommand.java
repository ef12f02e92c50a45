package io.kafkacassandra.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.PluginLocator;
import org.osgi.framework.BundleContext;

@Command(scope = "kafka-cassandra", name = "leader",
        description = "Shows the leader and epoch of a service; can nominate a candidate or resign a leader")
@Service
public class LeaderCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "service", description = "The elected service", required = false)
    String service = "kafka_controller";

    @Option(name = "--nominate", description = "Run this candidate for leader (it stays a candidate)")
    String nominate;

    @Option(name = "--resign", description = "Resign this leader (ignored if it does not lead here)")
    String resign;

    @Override
    public Object execute() {
        // The configured client of the service, or the one the locator makes for an unconfigured name.
        FencedLeaderElectionClient client = (FencedLeaderElectionClient)
                Services.one(context, PluginLocator.class).getLeaderElection(service);
        if (nominate != null) {
            System.out.println(nominate + (client.nominate(nominate) ? " leads " : " is a candidate of ") + service);
        }
        if (resign != null) {
            client.resign(resign);
        }
        System.out.println(service + ": " + describe(client));
        return null;
    }

    static String describe(FencedLeaderElectionClient client) {
        try {
            return client.currentLeadership()
                    .map(l -> "leader " + l.leader() + ", epoch " + l.epoch())
                    .orElse("no leader");
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
