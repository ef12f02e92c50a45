package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import io.kafkacassandra.launcher.kafka.FourLetterWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One Apache ZooKeeper server or an ensemble of three, each in a JVM of its own on 127.0.0.1-3, started from the
 * jars Maven resolved (QuorumPeerMain, which runs standalone when the configuration lists no peers). tickTime is
 * 500 ms so that a 2 s session timeout, kafka-cassandra's lease TTL, is allowed (the minimum is two ticks).
 */
final class ZooKeeperEnsemble implements AutoCloseable {
    static final int CLIENT_PORT = 2281;
    private final List<ChildJvm> servers = new ArrayList<>();
    private final int size;

    private ZooKeeperEnsemble(int size) {
        this.size = size;
    }

    static ZooKeeperEnsemble start(int size, Path directory) throws Exception {
        ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(size);
        try {
            for (int i = 1; i <= size; i++) {
                Path dir = directory.resolve("zk" + i);
                Files.createDirectories(dir.resolve("data"));
                Files.writeString(dir.resolve("data").resolve("myid"), Integer.toString(i));
                Path cfg = dir.resolve("zoo.cfg");
                Files.writeString(cfg, ensemble.config(i, dir.resolve("data")));
                ensemble.servers.add(ChildJvm.start(
                        "zookeeper-" + i,
                        List.of("-Xmx256m", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                        List.of(cfg.toString()),
                        dir.resolve("server.log")));
            }
            ensemble.awaitServing(Duration.ofSeconds(120));
            return ensemble;
        } catch (Exception e) {
            ensemble.close();
            throw e;
        }
    }

    private String config(int id, Path data) {
        StringBuilder c = new StringBuilder();
        c.append("tickTime=500\ninitLimit=20\nsyncLimit=10\n");
        c.append("dataDir=").append(data).append('\n');
        c.append("clientPort=").append(CLIENT_PORT).append('\n');
        c.append("clientPortAddress=127.0.0.").append(id).append('\n');
        c.append("minSessionTimeout=1000\nmaxSessionTimeout=20000\n");
        c.append("admin.enableServer=false\n4lw.commands.whitelist=srvr,mntr\n");
        if (size > 1) {
            for (int i = 1; i <= size; i++) {
                c.append("server.").append(i).append("=127.0.0.").append(i).append(":2888:3888\n");
            }
        }
        return c.toString();
    }

    String connectString() {
        return IntStream.rangeClosed(1, size)
                .mapToObj(i -> "127.0.0." + i + ":" + CLIENT_PORT)
                .collect(Collectors.joining(","));
    }

    /** Until every server says it is the leader, a follower or standalone. */
    private void awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 1; i <= size; i++) {
            while (!FourLetterWords.send("127.0.0." + i, CLIENT_PORT, "srvr").contains("Mode: ")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ZooKeeper server " + i + " is not serving after " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }

    /** The total of a {@code mntr} counter over every server (e.g. zk_packets_received). */
    long counter(String name) {
        long total = 0;
        for (int i = 1; i <= size; i++) {
            for (String line :
                    FourLetterWords.send("127.0.0." + i, CLIENT_PORT, "mntr").split("\n")) {
                String[] kv = line.split("\t");
                if (kv.length == 2 && kv[0].equals(name)) {
                    total += Long.parseLong(kv[1].trim());
                }
            }
        }
        return total;
    }

    /** A ZooKeeper four-letter word's answer, or "" if the server cannot be reached. */
    /** The servers' processes. */
    List<Long> pids() {
        return servers.stream().map(ChildJvm::pid).toList();
    }

    @Override
    public void close() {
        servers.forEach(ChildJvm::close);
    }
}
