package io.kafkacassandra.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one local Cassandra node on 127.0.0.1:9042 with its data in a directory kept between runs (first
 * argument, default {@code data/cassandra}), until this JVM is stopped; the node stops with it. Used by
 * {@code run.sh} to start the Karaf distribution on an embedded default.
 */
public final class LocalCassandraMain {
    private LocalCassandraMain() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args.length > 0 ? args[0] : "data/cassandra").toAbsolutePath();
        Files.createDirectories(directory);
        CassandraCluster cluster = CassandraCluster.builder()
                .directory(directory)
                .clusterName("kafka-cassandra-local")
                .heapMb(1024)
                .build();
        System.out.println("Starting Cassandra on 127.0.0.1:9042, data in " + directory + " (log: "
                + directory.resolve("node1/logs/system.log") + ")");
        cluster.start();
        System.out.println("CASSANDRA READY 127.0.0.1:9042");
        System.out.flush();
        // Stopped by SIGTERM/SIGINT: the launcher's shutdown hook stops the node gracefully.
        Thread.currentThread().join();
    }
}
