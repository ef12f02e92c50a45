import io.kafkacassandra.bridge.CassandraPluginLocator;
import java.util.Optional;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.LeaderElectionClient;

/**
 * A stand-in for a broker that runs for leader through the plain locator, for the walk-through of
 * {@code run.sh --walkthrough}: {@code DemoCandidate <plugin.properties> <service> <candidate>}. It prints one
 * line per leader change it hears and runs until it is stopped (SIGTERM closes the locator, which releases a
 * held lease; SIGKILL does not).
 *
 * <p>A demo, not part of any artifact: run.sh launches this source file directly (Java's single-file source
 * launcher) on the class path of a broker, {@code plugin-jar/target/plugin.jar} and its broker-libs.
 */
public final class DemoCandidate {
    private DemoCandidate() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: DemoCandidate <plugin.properties> <service> <candidate>");
            System.exit(2);
        }
        String candidate = args[2];
        CassandraPluginLocator locator = new CassandraPluginLocator();
        locator.startup(args[0]);
        Runtime.getRuntime().addShutdownHook(new Thread(locator::close, "demo-candidate-close"));
        LeaderElectionClient election = locator.getLeaderElection(args[1]);
        election.addListener(leader -> {
            String epoch = leader.equals(Optional.of(candidate))
                    ? " with epoch " + ((FencedLeaderElectionClient) election).heldLeadership(candidate)
                            .map(l -> Long.toString(l.epoch())).orElse("?")
                    : "";
            System.out.println(candidate + " sees leader " + leader.orElse("(none)") + epoch);
            System.out.flush();
        });
        election.nominate(candidate);
        Thread.currentThread().join();
    }
}
