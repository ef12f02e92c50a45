package io.kafkacassandra.launcher;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 access to real Cassandra nodes. Register it as a static field:
 * <pre>
 * &#64;RegisterExtension
 * static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);
 * </pre>
 * A {@linkplain #shared(int) shared} cluster is started once per test JVM and node count and reused by every
 * class that asks for it (starting Cassandra costs seconds) and listens on 127.0.0.1 and up; an
 * {@linkplain #isolated(Consumer) isolated} one belongs to one test class, which may kill or pause its nodes, is
 * stopped after it and listens on 127.0.0.11 and up unless its customizer says otherwise, so that both kinds can
 * live in one JVM. Test methods and
 * constructors may take a {@link CassandraCluster} parameter.
 */
public final class CassandraExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(CassandraExtension.class);

    static final int ISOLATED_FIRST_HOST = 11;

    private final boolean shared;
    private final int sharedNodes;
    private final Consumer<CassandraCluster.Builder> customizer;
    private volatile CassandraCluster cluster;

    private CassandraExtension(boolean shared, int sharedNodes, Consumer<CassandraCluster.Builder> customizer) {
        this.shared = shared;
        this.sharedNodes = sharedNodes;
        this.customizer = customizer;
    }

    /** A cluster of {@code nodes} nodes shared by all test classes of this JVM. Do not kill its nodes. */
    public static CassandraExtension shared(int nodes) {
        return new CassandraExtension(true, nodes, b -> b.nodes(nodes));
    }

    /** A cluster of this class alone, built as {@code customizer} says, stopped after the class. */
    public static CassandraExtension isolated(Consumer<CassandraCluster.Builder> customizer) {
        return new CassandraExtension(false, 0, b -> customizer.accept(b.firstHost(ISOLATED_FIRST_HOST)));
    }

    public CassandraCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the Cassandra cluster is started before all tests of the class;"
                    + " register the extension on a static field");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            SharedCluster holder = context.getRoot()
                    .getStore(NAMESPACE)
                    .getOrComputeIfAbsent(
                            "nodes-" + sharedNodes, key -> new SharedCluster(start()), SharedCluster.class);
            cluster = holder.cluster;
        } else {
            cluster = start();
        }
    }

    private CassandraCluster start() {
        CassandraCluster.Builder builder = CassandraCluster.builder();
        customizer.accept(builder);
        return builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared && cluster != null) {
            cluster.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CassandraCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster();
    }

    /** Closed by JUnit when the root context ends, i.e. after the last test of the JVM. */
    private record SharedCluster(CassandraCluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
