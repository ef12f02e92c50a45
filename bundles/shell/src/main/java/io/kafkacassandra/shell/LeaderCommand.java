package io.kafkacassandra.shell;

import io.kafkacassandra.election.CassandraLeaderElection;
import io.kafkacassandra.session.internal.Text;
import java.util.Optional;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.Leadership;
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
        name = "leader",
        description = "Shows the leader and epoch of a service; can nominate a candidate or resign a leader."
                + " Only looking creates no client: it asks the configured election client of the service, or reads"
                + " the election table for a name nobody configured. --nominate and --resign use the configured"
                + " client, or the one the plugin locator makes for the name and keeps until the bridge bundle stops")
@Service
public class LeaderCommand implements Action {
    @Reference(optional = true)
    PluginLocator locator;

    /** The configured clients and the connection come and go: looked up when the command runs (see Services). */
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
        Text.id("service", service);
        if (nominate == null && resign == null) {
            System.out.println(service + ": " + look());
            return null;
        }
        // The configured client of the service, or the one the locator makes for an unconfigured name.
        FencedLeaderElectionClient client = (FencedLeaderElectionClient)
                Services.require(locator, PluginLocator.class).getLeaderElection(service);
        if (nominate != null) {
            System.out.println(nominate + (client.nominate(nominate) ? " leads " : " is a candidate of ") + service);
        }
        if (resign != null) {
            client.resign(resign);
        }
        System.out.println(service + ": " + describe(client));
        return null;
    }

    /** The leadership without creating a client. */
    private String look() {
        return Services.current(context, FencedLeaderElectionClient.class).stream()
                .filter(configured -> service.equals(configured.service()))
                .findFirst()
                .map(LeaderCommand::describe)
                .orElseGet(() -> Services.readDirectly(
                        context,
                        c -> format(CassandraLeaderElection.readLeadership(c.session(), c.settings(), service))));
    }

    static String describe(FencedLeaderElectionClient client) {
        try {
            return format(client.currentLeadership());
        } catch (RuntimeException e) {
            return Services.unavailable(e);
        }
    }

    private static String format(Optional<Leadership> leadership) {
        return leadership
                .map(l -> "leader " + l.leader() + ", epoch " + l.epoch())
                .orElse("no leader");
    }
}
