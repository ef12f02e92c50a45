package io.kafkacassandra.shell;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.SessionStatus;
import io.kafkacassandra.session.monitoring.JmxRegistration;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

@Command(
        scope = "kafka-cassandra",
        name = "status",
        description = "The Cassandra session, the health of every service, every leader with its epoch, every group"
                + " with its members. While there is no session, its reason is told once and every service is"
                + " '" + Services.WAITING + "'")
@Service
public class StatusCommand implements Action {
    @Reference
    BundleContext context;

    @Override
    public Object execute() throws JMException {
        CassandraConnection connection = Services.currentOne(context, CassandraConnection.class);
        List<FencedLeaderElectionClient> elections = Services.current(context, FencedLeaderElectionClient.class);
        List<LeaseAwareGroupMembershipClient> groups = Services.current(context, LeaseAwareGroupMembershipClient.class);
        if (connection == null) {
            System.out.println("Cassandra session: UNAVAILABLE ("
                    + SessionStatus.problem().orElse("no configuration io.kafkacassandra.cassandra") + ")");
        } else {
            CassandraSettings s = connection.settings();
            System.out.println("Cassandra session: CONNECTED to " + s.contactPointsText() + ", data center "
                    + s.localDatacenter() + ", keyspace " + s.keyspace()
                    + s.username().map(u -> ", user " + u).orElse("") + (s.tls().isPresent() ? ", TLS" : ""));
            connection
                    .session()
                    .getMetadata()
                    .getNodes()
                    .values()
                    .forEach(node -> System.out.println("  node "
                            + node.getBroadcastRpcAddress()
                                    .map(a -> a.getHostString() + ":" + a.getPort())
                                    .orElse(node.getEndPoint().toString())
                            + " " + node.getState()
                            + " (Cassandra " + node.getCassandraVersion() + ")"));
            System.out.println("  lease TTL " + s.leaseTtl().getSeconds() + " s, renew every "
                    + s.renewPeriod().toMillis() + " ms, poll every "
                    + s.pollPeriod().toMillis() + " ms, "
                    + (s.changeFeedOn()
                            ? "change feed read every " + s.changesPeriod().toMillis()
                                    + " ms, each watched namespace polled every "
                                    + s.safetyPollPeriod().toMillis() + " ms"
                            : "change feed off"));
        }
        printHealth();
        elections.stream()
                .sorted(Comparator.comparing(FencedLeaderElectionClient::service))
                .forEach(e -> System.out.println("Election " + e.service() + ": " + LeaderCommand.describe(e)));
        groups.stream()
                .sorted(Comparator.comparing(LeaseAwareGroupMembershipClient::group))
                .forEach(g -> System.out.println("Group " + g.group() + ": " + MembersCommand.describe(g)));
        return null;
    }

    /**
     * The health of every service, as its MBean tells it (the same view JMX clients get), except that a service
     * waiting for the session says so in a word: the session's reason is on the line above.
     */
    private static void printHealth() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName services = new ObjectName(JmxRegistration.DOMAIN + ":*");
        for (ObjectName name : new TreeSet<>(server.queryNames(services, null))) {
            String reason = String.valueOf(server.getAttribute(name, "StatusReason"));
            System.out.println("Health of " + name.getKeyProperty("type") + " "
                    + ObjectName.unquote(name.getKeyProperty("name")) + ": " + server.getAttribute(name, "Status")
                    + " (" + (reason.startsWith(ServiceMonitor.AWAITING_SESSION) ? Services.WAITING : reason) + ")");
        }
    }
}
