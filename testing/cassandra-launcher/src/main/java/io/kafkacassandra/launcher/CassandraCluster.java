package io.kafkacassandra.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A ring of 1..N real Cassandra nodes on loopback addresses 127.0.0.1, 127.0.0.2, ... (same ports, one address
 * each; see {@link Builder#firstHost(int)}), the first being the seed. Closing it stops every node; so does the end of this JVM, and a node whose
 * parent JVM was killed halts by itself (see {@link NodeMain}).
 */
public final class CassandraCluster implements AutoCloseable {
    /** The data center name that {@code SimpleSnitch} reports, for the driver's local-datacenter setting. */
    public static final String DATACENTER = "datacenter1";

    private static final Set<CassandraCluster> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> OPEN.forEach(CassandraCluster::close), "cassandra-launcher-shutdown"));
    }

    private final List<CassandraNode> nodes;
    private final Duration startTimeout;

    private CassandraCluster(List<CassandraNode> nodes, Duration startTimeout) {
        this.nodes = List.copyOf(nodes);
        this.startTimeout = startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<CassandraNode> nodes() {
        return nodes;
    }

    public CassandraNode node(int index) {
        return nodes.get(index);
    }

    public int size() {
        return nodes.size();
    }

    public List<InetSocketAddress> contactPoints() {
        return nodes.stream().map(CassandraNode::contactPoint).toList();
    }

    public String localDatacenter() {
        return DATACENTER;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    /** Starts the nodes one after the other and waits until each answers CQL and sees every other one up. */
    public CassandraCluster start() {
        OPEN.add(this);
        try {
            for (CassandraNode node : nodes) {
                node.start();
                node.awaitCql(startTimeout);
            }
            awaitRing(startTimeout);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Waits until every running node's log shows every other running node up. */
    public void awaitRing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CassandraNode node : nodes) {
            for (CassandraNode peer : nodes) {
                if (peer == node || !node.isRunning() || !peer.isRunning()) {
                    continue;
                }
                while (!node.logShowsUp(peer.address())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("node " + node.address() + " does not see " + peer.address()
                                + " up within " + timeout + ". Log tail:\n" + node.logTail(40));
                    }
                    CassandraNode.sleep(200);
                }
            }
        }
    }

    @Override
    public void close() {
        for (CassandraNode node : nodes) {
            try {
                node.stop(Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                System.err.println("could not stop " + node + ": " + e);
            }
        }
        OPEN.remove(this);
    }

    /** How to build a cluster; every setting has a default that fits a test on this machine. */
    public static final class Builder {
        private int nodes = 1;
        private Path directory;
        private String clusterName = "kafka-cassandra-test";
        private int heapMb = 512;
        private int storagePort = 7000;
        private int nativePort = 9042;
        private boolean authentication;
        private String paxosVariant = "v2";
        private NodeSettings.ClientTls clientTls;
        private Duration startTimeout = Duration.ofSeconds(120);
        private int firstHost = 1;
        private final Map<Integer, Path> clockOffsetFiles = new HashMap<>();

        public Builder nodes(int count) {
            if (count < 1 || count > 9) {
                throw new IllegalArgumentException("nodes must be between 1 and 9, was " + count);
            }
            this.nodes = count;
            return this;
        }

        /** Home of the nodes: one sub-directory each. Defaults to a new directory under {@code target/}. */
        /** Made absolute: each node runs in its own directory, where a relative path would mean another place. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory).toAbsolutePath();
            return this;
        }

        public Builder clusterName(String name) {
            this.clusterName = Objects.requireNonNull(name);
            return this;
        }

        public Builder heapMb(int heapMb) {
            this.heapMb = heapMb;
            return this;
        }

        public Builder ports(int storagePort, int nativePort) {
            this.storagePort = storagePort;
            this.nativePort = nativePort;
            return this;
        }

        /** Switches on PasswordAuthenticator with the superuser {@code cassandra/cassandra}. */
        /** The Paxos variant of every node: v2 by default; v1 only to test that kafka-cassandra refuses it. */
        public Builder paxosVariant(String variant) {
            this.paxosVariant = variant;
            return this;
        }

        public Builder authentication(boolean enabled) {
            this.authentication = enabled;
            return this;
        }

        /**
         * Node {@code i} (from 0) listens on {@code 127.0.0.(firstHost + i)}. Clusters that live at the same time
         * need disjoint addresses (or other ports).
         */
        public Builder firstHost(int firstHost) {
            if (firstHost < 1 || firstHost > 240) {
                throw new IllegalArgumentException("firstHost must be between 1 and 240, was " + firstHost);
            }
            this.firstHost = firstHost;
            return this;
        }

        /**
         * Runs node {@code index} (from 0) on a skewed clock (see FakeClock), its wall clock off by the offset in {@code offsetFile}
         * (written {@code +0} at start if missing; change it with {@link FakeClock#set}). Check
         * {@link FakeClock#available()} first: the node does not start without the library.
         */
        public Builder fakeClock(int index, Path offsetFile) {
            clockOffsetFiles.put(index, Objects.requireNonNull(offsetFile).toAbsolutePath());
            return this;
        }

        public Builder clientTls(NodeSettings.ClientTls tls) {
            this.clientTls = tls;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public CassandraCluster build() {
            for (int index : clockOffsetFiles.keySet()) {
                if (index < 0 || index >= nodes) {
                    throw new IllegalArgumentException("fakeClock: no node " + index + " in a ring of " + nodes);
                }
            }
            Path home = directory != null ? directory : defaultDirectory();
            List<CassandraNode> list = new ArrayList<>();
            String seed = "127.0.0." + firstHost;
            for (int i = 0; i < nodes; i++) {
                String address = "127.0.0." + (firstHost + i);
                list.add(new CassandraNode(new NodeSettings(
                        address,
                        List.of(seed),
                        home.resolve("node" + (i + 1)),
                        clusterName,
                        token(i, nodes),
                        heapMb,
                        storagePort,
                        nativePort,
                        authentication,
                        clientTls,
                        paxosVariant,
                        clockOffsetFiles.get(i))));
            }
            return new CassandraCluster(list, startTimeout);
        }

        public CassandraCluster start() {
            return build().start();
        }

        /** Evenly spaced Murmur3 tokens, so that every node owns the same share of the ring. */
        static long token(int index, int count) {
            BigInteger range = BigInteger.ONE.shiftLeft(64);
            return BigInteger.valueOf(Long.MIN_VALUE)
                    .add(range.multiply(BigInteger.valueOf(index)).divide(BigInteger.valueOf(count)))
                    .longValueExact();
        }

        private static Path defaultDirectory() {
            String base = System.getProperty("kafka.cassandra.test.dir", "target/cassandra");
            try {
                Path root = Path.of(base).toAbsolutePath();
                Files.createDirectories(root);
                return Files.createTempDirectory(root, "cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for Cassandra under " + base, e);
            }
        }
    }
}
