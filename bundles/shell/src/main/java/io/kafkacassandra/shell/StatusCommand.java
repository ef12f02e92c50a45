package io.kafkacassandra.shell;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionStatus;
import io.kafkacassandra.session.monitoring.JmxRegistration;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

@Command(scope = "kafka-cassandra", name = "status",
        description = "The Cassandra session, the health of every service, every leader with its epoch, every group"
                + " with its members")
@Service
public class StatusCommand implements Action {
    @Reference
    BundleContext context;

    @Override
    public Object execute() throws JMException {
        ServiceReference<CassandraConnection> ref = context.getServiceReference(CassandraConnection.class);
        CassandraConnection connection = ref == null ? null : context.getService(ref);
        if (connection == null) {
            System.out.println("Cassandra session: UNAVAILABLE ("
                    + SessionStatus.problem().orElse("no configuration io.kafkacassandra.cassandra") + ")");
        } else {
            CassandraSettings s = connection.settings();
            System.out.println("Cassandra session: CONNECTED to " + s.contactPointsText() + ", data center "
                    + s.localDatacenter() + ", keyspace " + s.keyspace()
                    + s.username().map(u -> ", user " + u).orElse("") + (s.tls().isPresent() ? ", TLS" : ""));
            connection.session().getMetadata().getNodes().values().forEach(node ->
                    System.out.println("  node " + node.getBroadcastRpcAddress()
                            .map(a -> a.getHostString() + ":" + a.getPort()).orElse(node.getEndPoint().toString())
                            + " " + node.getState()
                            + " (Cassandra " + node.getCassandraVersion() + ")"));
            System.out.println("  lease TTL " + s.leaseTtl().getSeconds() + " s, renew every "
                    + s.renewPeriod().toMillis() + " ms, poll every " + s.pollPeriod().toMillis() + " ms");
        }
        printHealth();
        for (Map.Entry<String, FencedLeaderElectionClient> e
                : Services.byProperty(context, FencedLeaderElectionClient.class, "service").entrySet()) {
            System.out.println("Election " + e.getKey() + ": " + LeaderCommand.describe(e.getValue()));
        }
        for (Map.Entry<String, LeaseAwareGroupMembershipClient> e
                : Services.byProperty(context, LeaseAwareGroupMembershipClient.class, "group").entrySet()) {
            System.out.println("Group " + e.getKey() + ": " + MembersCommand.describe(e.getValue()));
        }
        return null;
    }

    /** The health of every service, as its MBean tells it (the same view JMX clients get). */
    private static void printHealth() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName services = new ObjectName(JmxRegistration.DOMAIN + ":*");
        for (ObjectName name : new TreeSet<>(server.queryNames(services, null))) {
            System.out.println("Health of " + name.getKeyProperty("type") + " "
                    + ObjectName.unquote(name.getKeyProperty("name")) + ": " + server.getAttribute(name, "Status")
                    + " (" + server.getAttribute(name, "StatusReason") + ")");
        }
    }
}
