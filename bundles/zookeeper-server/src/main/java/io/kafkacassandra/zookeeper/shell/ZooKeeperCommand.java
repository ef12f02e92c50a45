package io.kafkacassandra.zookeeper.shell;

import io.kafkacassandra.zookeeper.ZooKeeperService;
import io.kafkacassandra.zookeeper.ZooKeeperTreeView;
import io.kafkacassandra.zookeeper.osgi.ZooKeeperServiceComponent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A look at the ZooKeeper service of this container, from its own copy of the tree: no client, no session, no
 * watch, nothing written.
 */
@Command(
        scope = "kafka-cassandra",
        name = "zk",
        description = "The ZooKeeper service of this container: status, ls PATH, get PATH, stat PATH, sessions")
@Service
public class ZooKeeperCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "operation", description = "status | ls | get | stat | sessions", required = true)
    String operation;

    @Argument(index = 1, name = "path", description = "A znode's path, e.g. /brokers/ids", required = false)
    String path;

    @Override
    public Object execute() {
        ZooKeeperService zk = running();
        ZooKeeperTreeView tree = zk.tree();
        switch (operation) {
            case "status" -> {
                System.out.println("serving on " + zk.connectString() + ", instance " + zk.instance()
                        + (zk.isReaper() ? " (the session reaper and snapshot writer)" : ""));
                System.out.println("health: " + zk.monitor().getStatus() + " ("
                        + zk.monitor().getStatusReason() + ")");
                System.out.println("last zxid 0x" + Long.toHexString(zk.lastZxid()) + ", " + tree.znodes() + " znodes, "
                        + tree.sessions().size() + " sessions");
            }
            case "ls" -> System.out.println(String.join("\n", orNoNode(tree.children(requirePath()))));
            case "get" -> System.out.println(new String(orNoNode(tree.data(requirePath())), StandardCharsets.UTF_8));
            case "stat" ->
                orNoNode(tree.stat(requirePath())).forEach((k, v) -> System.out.println(k + " = " + show(k, v)));
            case "sessions" ->
                tree.sessions()
                        .forEach((id, timeout) -> System.out.println("0x" + Long.toHexString(id) + " timeout " + timeout
                                + " ms, ephemerals " + tree.ephemerals(id)));
            default ->
                throw new IllegalArgumentException(
                        "unknown operation " + operation + ": status, ls, get, stat or sessions");
        }
        return null;
    }

    private ZooKeeperService running() {
        ServiceReference<ZooKeeperServiceComponent> ref = context.getServiceReference(ZooKeeperServiceComponent.class);
        ZooKeeperServiceComponent component = ref == null ? null : context.getService(ref);
        try {
            Optional<ZooKeeperService> zk = component == null ? Optional.empty() : component.running();
            return zk.orElseThrow(() -> new IllegalStateException("no ZooKeeper service runs here: is the feature"
                    + " kafka-cassandra-zookeeper installed, io.kafkacassandra.zookeeper configured and the"
                    + " Cassandra session up? See kafka-cassandra:status"));
        } finally {
            if (component != null) {
                context.ungetService(ref);
            }
        }
    }

    private String requirePath() {
        if (path == null) {
            throw new IllegalArgumentException(operation + " needs a path, e.g. /");
        }
        return path;
    }

    private <T> T orNoNode(Optional<T> value) {
        return value.orElseThrow(() -> new IllegalArgumentException("no node " + path));
    }

    private static String show(String field, long value) {
        return field.endsWith("zxid") || field.equals("ephemeralOwner")
                ? "0x" + Long.toHexString(value)
                : Long.toString(value);
    }
}
