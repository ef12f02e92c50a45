package io.kafkacassandra.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything that decides how one node is configured. Immutable; a restart reuses it as it is.
 *
 * @param address       loopback address the node listens on for gossip and CQL
 * @param seeds         addresses of the seed nodes (the first node of the cluster)
 * @param directory     the node's home: data, commit log, logs and its generated configuration
 * @param clusterName   Cassandra cluster name; nodes only join a ring of the same name
 * @param initialToken  the single token of this node, so nodes join without bootstrap streaming
 * @param heapMb        maximum heap of the node's JVM
 * @param storagePort   inter-node port
 * @param nativePort    CQL port
 * @param authentication PasswordAuthenticator with the superuser {@code cassandra/cassandra}
 * @param clientTls     client TLS, or {@code null} for plain text
 * @param paxosVariant  {@code v2} (what kafka-cassandra needs), or {@code v1} to test that it is refused
 * @param clockOffsetFile the file whose offset the node's wall clock follows (see {@link FakeClock}), or
 *                      {@code null} for the machine's clock
 */
public record NodeSettings(
        String address,
        List<String> seeds,
        Path directory,
        String clusterName,
        long initialToken,
        int heapMb,
        int storagePort,
        int nativePort,
        boolean authentication,
        ClientTls clientTls,
        String paxosVariant,
        Path clockOffsetFile) {

    /** The superuser of a node with authentication switched on. */
    public static final String SUPERUSER = "cassandra";

    public static final String SUPERUSER_PASSWORD = "cassandra";

    /**
     * Client encryption: the node presents the key in {@code keystore}. With {@code requireClientAuth} the
     * client must present a certificate trusted by {@code truststore}.
     */
    public record ClientTls(
            Path keystore,
            String keystorePassword,
            Path truststore,
            String truststorePassword,
            boolean requireClientAuth) {
        public ClientTls {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(keystorePassword, "keystorePassword");
            if (requireClientAuth) {
                Objects.requireNonNull(truststore, "truststore is needed to check client certificates");
                Objects.requireNonNull(truststorePassword, "truststorePassword");
            }
        }
    }

    public NodeSettings {
        Objects.requireNonNull(address, "address");
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clusterName, "clusterName");
        if (!paxosVariant.equals("v1") && !paxosVariant.equals("v2")) {
            throw new IllegalArgumentException("paxosVariant must be v1 or v2, was " + paxosVariant);
        }
        if (heapMb < 128) {
            throw new IllegalArgumentException("heapMb must be at least 128, was " + heapMb);
        }
    }
}
