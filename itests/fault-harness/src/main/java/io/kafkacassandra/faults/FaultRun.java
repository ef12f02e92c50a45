package io.kafkacassandra.faults;

import io.kafkacassandra.bridge.CassandraPluginLocator;
import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.plugin.interfaces.CoordinationException;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.apache.kafka.plugin.interfaces.VersionedStorage;

/**
 * One run: a three-node ring (RF 3) on 127.0.0.1-3, the third on a skewed clock, brokers
 * in their own JVMs, the nemesis for the given time, then a quiet period, the brokers' exit, the final reads, the
 * histories read back and checked, and the report written.
 */
final class FaultRun {
    static final int STORAGE_PORT = 7200;
    static final int NATIVE_PORT = 9242;
    /** The plugin's default lease TTL: the harness checks what an operator who keeps the defaults gets. */
    static final Duration LEASE_TTL = io.kafkacassandra.session.CassandraSettings.DEFAULT_LEASE_TTL;

    static final Duration POLL = Duration.ofMillis(250);
    /**
     * Each watched namespace's own poll, with the change feed on (its default period): the bound on a change whose
     * hint was lost, which faults cause (a broker killed between its write and the hint, a hint write that failed).
     */
    static final Duration SAFETY_POLL = Duration.ofMillis(2_000);

    static final CheckSettings CHECKS = new CheckSettings(LEASE_TTL, POLL, Duration.ofMillis(1500));
    /** The plugin's default clock drift, which the harness leaves as it is: the bound the clock nemesis tests. */
    static final Duration CLOCK_DRIFT =
            io.kafkacassandra.session.CassandraSettings.builder().build().clockDrift();
    /** The node whose clock the nemesis sets off (127.0.0.3): one of three, so two still agree. */
    static final int CLOCK_NODE = 2;

    /**
     * @param skewBound largest clock offset the nemesis sets; beyond {@link #CLOCK_DRIFT} the run documents what
     *                  breaks instead of checking a guarantee
     * @param cycle     the kinds of fault in the order the run goes through them; every kind when empty
     * @param kafka     whether Kafka brokers on the ZooKeeper service run beside the plugin's brokers, with their
     *                  own faults and checks ({@link KafkaWorkload})
     */
    record Options(
            Duration faults,
            Path directory,
            long seed,
            int brokers,
            Duration skewBound,
            List<Nemesis.Kind> cycle,
            boolean kafka) {
        Options {
            cycle = List.copyOf(cycle);
        }

        boolean beyondBound() {
            return skewBound.compareTo(CLOCK_DRIFT) > 0;
        }
    }

    record Result(Findings findings, List<Event.Fault> faults, String report, Duration took) {}

    static Result run(Options options) throws Exception {
        long began = System.nanoTime();
        Path dir = options.directory();
        prepare(dir);
        NetworkCut.heal();
        boolean cutAvailable = NetworkCut.available();
        boolean clockAvailable = FakeClock.available();
        log("seed " + options.seed() + "; network cuts " + (cutAvailable ? "available" : "not available here")
                + "; clock skew "
                + (clockAvailable ? "up to " + options.skewBound().toMillis() + " ms" : "not available here"));
        Path properties = writeProperties(dir);
        Path clockOffset = dir.resolve("clock-offset-node" + (CLOCK_NODE + 1));
        Random random = new Random(options.seed());
        List<Event.Fault> injected = new ArrayList<>();
        CassandraCluster.Builder ring = CassandraCluster.builder()
                .nodes(3)
                .heapMb(384)
                .firstHost(1)
                .ports(STORAGE_PORT, NATIVE_PORT)
                .clusterName("faults")
                .directory(dir.resolve("cassandra"))
                .startTimeout(Duration.ofSeconds(300));
        if (clockAvailable) {
            ring.fakeClock(CLOCK_NODE, clockOffset);
        }
        try (HistoryWriter harness = new HistoryWriter(dir.resolve("harness.history"));
                CassandraCluster cluster = ring.build()) {
            Brokers brokers = new Brokers(dir, properties, harness, options.seed());
            try {
                cluster.start();
                log("ring of 3 up");
                CassandraPluginLocator observerLocator = new CassandraPluginLocator();
                observerLocator.startup(properties.toString()); // creates the keyspace at RF 3 and the tables
                KafkaWorkload kafka = null;
                try {
                    FencedLeaderElectionClient observer =
                            (FencedLeaderElectionClient) observerLocator.getLeaderElection(Workload.SERVICE);
                    for (int i = 1; i <= options.brokers(); i++) {
                        brokers.start("broker-" + i);
                    }
                    log(options.brokers() + " brokers ready");
                    if (options.kafka()) {
                        kafka = KafkaWorkload.start(dir.resolve("kafka"), NATIVE_PORT);
                        log(KafkaWorkload.BROKERS + " Kafka brokers on 2 ZooKeeper service instances ready");
                    }
                    Thread.sleep(5_000);
                    ClockSkew skew = clockAvailable
                            ? new ClockSkew(cluster.node(CLOCK_NODE), clockOffset, options.skewBound())
                            : null;
                    Nemesis nemesis = new Nemesis(
                            cluster,
                            NATIVE_PORT,
                            brokers,
                            observer,
                            harness,
                            random,
                            LEASE_TTL,
                            cutAvailable,
                            skew,
                            kafka == null ? null : new KafkaFaults(kafka, options.seed()),
                            options.cycle());
                    long end = System.nanoTime() + options.faults().toNanos();
                    for (int i = 0; System.nanoTime() < end; i++) {
                        Nemesis.Kind kind =
                                nemesis.kinds().get(i % nemesis.kinds().size());
                        List<Event.Fault> faults = nemesis.inject(kind);
                        if (faults.isEmpty()) {
                            log(kind + " skipped: no leader to aim at");
                        }
                        for (Event.Fault f : faults) {
                            injected.add(f);
                            log(String.format(
                                    "%-12s %-14s %5.1f s  %s",
                                    f.kind(), f.target(), (f.end() - f.start()) / 1e9, f.note()));
                        }
                        Thread.sleep(4_000);
                    }
                    awaitServing((VersionedStorage) observerLocator.getStorage());
                    harness.write(new Event.Quiet(System.nanoTime()));
                    if (kafka != null) {
                        kafka.awaitRecovered();
                        kafka.finish();
                    }
                    Thread.sleep(CHECKS.liveness() / 1_000_000 + 2_000);
                    brokers.stopWrites();
                    // Listeners end on the last values: told by the feed, or else by their namespace's own polls
                    // (two of them, in case one read fails).
                    Thread.sleep(2 * SAFETY_POLL.toMillis() + 2 * POLL.toMillis() + 1_000);
                    brokers.finish();
                    // After the brokers' exit: thousands of SERIAL reads are load of the harness's own, which
                    // must not cost a broker its lease while the final group views are taken.
                    finalReads(dir, harness, (VersionedStorage) observerLocator.getStorage());
                } finally {
                    if (kafka != null) {
                        kafka.close();
                    }
                    observerLocator.close();
                }
            } finally {
                brokers.killAll();
                NetworkCut.heal();
            }
        }
        Histories histories = Histories.read(dir);
        Findings findings = HistoryChecker.check(histories, CHECKS);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        String report = FaultReport.render(options, cutAvailable, clockAvailable, injected, findings, took);
        Files.writeString(dir.resolve("fault-report.md"), report, StandardCharsets.UTF_8);
        return new Result(findings, injected, report, took);
    }

    /** Starts from nothing: the checks assume every value stored was written by this run. */
    private static void prepare(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static Path writeProperties(Path dir) throws IOException {
        Path file = dir.resolve("plugin.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "plugin.cassandra.contact.points=127.0.0.1,127.0.0.2,127.0.0.3",
                        "plugin.cassandra.port=" + NATIVE_PORT,
                        "plugin.cassandra.local.datacenter=" + CassandraCluster.DATACENTER,
                        "plugin.cassandra.keyspace=faults",
                        "plugin.cassandra.schema.create=true",
                        "plugin.cassandra.replication=SimpleStrategy:3",
                        "plugin.cassandra.lease.ttl.seconds=" + LEASE_TTL.toSeconds(),
                        "plugin.cassandra.le.renew.ttl.period.ms=500",
                        "plugin.cassandra.lr.pull.period.ms=" + POLL.toMillis(),
                        "plugin.cassandra.lr.safety.poll.period.ms=" + SAFETY_POLL.toMillis(),
                        ""),
                StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Once nobody writes: a SERIAL read of every key any broker touched (it also settles pending proposals), and
     * of the fenced keys, which tells the versions of the last fenced updates.
     */
    private static void finalReads(Path dir, HistoryWriter harness, VersionedStorage storage)
            throws InterruptedException {
        TreeSet<String> keys = new TreeSet<>();
        Histories.read(dir).ops.forEach(op -> keys.add(op.key()));
        for (String key : keys) {
            Optional<Versioned> v = serialRead(storage, key);
            harness.write(new Event.FinalRead(
                    key,
                    v.map(Versioned::value).orElse(Event.ABSENT),
                    v.map(Versioned::version).orElse(0L)));
        }
        for (String key : Workload.FENCED_KEYS) {
            Optional<Versioned> v = serialRead(storage, key);
            harness.write(new Event.FencedRead(
                    "harness",
                    key,
                    System.nanoTime(),
                    v.map(Versioned::value).orElse(Event.ABSENT),
                    v.map(Versioned::version).orElse(0L)));
        }
        log("final reads of " + keys.size() + " keys and " + Workload.FENCED_KEYS.size() + " fenced keys");
    }

    private static Optional<Versioned> serialRead(VersionedStorage storage, String key) throws InterruptedException {
        while (true) {
            try {
                return storage.fetchVersioned(key);
            } catch (CoordinationException e) {
                Thread.sleep(200);
            }
        }
    }

    /**
     * The last fault is healed when the ring serves again, not when the node's process is back: a restarted
     * node replays its commit log and hints on the same two cores for tens of seconds, during which
     * lightweight transactions time out for everyone. The liveness bound starts once three linearizable reads
     * in a row answer within a second (at most a minute).
     */
    private static void awaitServing(VersionedStorage storage) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        int fast = 0;
        while (fast < 3 && System.nanoTime() < deadline) {
            long t = System.nanoTime();
            try {
                storage.fetchVersioned("/harness/probe");
                fast = System.nanoTime() - t < java.util.concurrent.TimeUnit.SECONDS.toNanos(1) ? fast + 1 : 0;
            } catch (RuntimeException e) {
                fast = 0;
            }
            Thread.sleep(200);
        }
        log(String.format(
                "the ring serves again %.1f s after the last fault was healed", (System.nanoTime() - start) / 1e9));
    }

    static void log(String line) {
        System.out.println("[faults] " + line);
        System.out.flush();
    }

    static void copy(String report, Path to) {
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.writeString(to, report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + to, e);
        }
    }
}
