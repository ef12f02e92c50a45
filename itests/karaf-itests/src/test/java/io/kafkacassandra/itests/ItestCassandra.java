package io.kafkacassandra.itests;

import io.kafkacassandra.launcher.CassandraCluster;

/**
 * The Cassandra nodes of the Karaf tests, started in the test driver's JVM (never inside Karaf): node A on
 * 127.0.0.1 and an independent node B on 127.0.0.11, for hot reconfiguration from one to the other, and node C on
 * 127.0.0.21 with PasswordAuthenticator (superuser cassandra/cassandra). They stop with the driver's JVM.
 */
final class ItestCassandra {
    static final String NODE_A = "127.0.0.1:9042";
    static final String NODE_B = "127.0.0.11:9042";
    static final String NODE_C = "127.0.0.21:9042";
    private static CassandraCluster a;
    private static CassandraCluster b;
    private static CassandraCluster c;

    private ItestCassandra() {}

    static synchronized void start() {
        if (a == null) {
            a = CassandraCluster.builder().clusterName("itest-a").firstHost(1).start();
            b = CassandraCluster.builder().clusterName("itest-b").firstHost(11).start();
            c = CassandraCluster.builder()
                    .clusterName("itest-c")
                    .firstHost(21)
                    .authentication(true)
                    .start();
        }
    }
}
