package io.kafkacassandra.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs every workload on kafka-cassandra and on ZooKeeper + Curator, one system at a time, on one server and
 * on three, and writes the tables: {@code BenchmarkMain [--size full|smoke] [--topologies 1,3]
 * [--workloads storage,election,notification,membership,scale] [--out FILE] [--dir DIR]}.
 */
public final class BenchmarkMain {
    /** How long each workload runs: the full run of the report, or a smoke run that keeps the code alive. */
    enum Size {
        FULL(
                Duration.ofSeconds(8),
                30,
                50,
                10,
                100,
                100,
                Duration.ofSeconds(60),
                Duration.ofSeconds(300),
                Duration.ofSeconds(30)),
        SMOKE(
                Duration.ofSeconds(1),
                2,
                3,
                1,
                10,
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2));

        final Duration storageCell;
        final int electionTrials;
        final int notificationTrials;
        final int membershipTrials;
        final int scaleNamespaces;
        final int scaleUpdates;
        /** The watcher's first window (its JVM warming up). */
        final Duration scaleFirstMinute;
        /** From the watcher's start to its idle measurement: long enough for the JIT to settle. */
        final Duration scaleWarmUp;

        final Duration scaleIdle;

        Size(
                Duration storageCell,
                int electionTrials,
                int notificationTrials,
                int membershipTrials,
                int scaleNamespaces,
                int scaleUpdates,
                Duration scaleFirstMinute,
                Duration scaleWarmUp,
                Duration scaleIdle) {
            this.storageCell = storageCell;
            this.electionTrials = electionTrials;
            this.notificationTrials = notificationTrials;
            this.membershipTrials = membershipTrials;
            this.scaleNamespaces = scaleNamespaces;
            this.scaleUpdates = scaleUpdates;
            this.scaleFirstMinute = scaleFirstMinute;
            this.scaleWarmUp = scaleWarmUp;
            this.scaleIdle = scaleIdle;
        }

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /** The systems under test, in the order they run. */
    enum SystemUnderTest {
        KAFKA_CASSANDRA,
        ZOOKEEPER_ON_CASSANDRA,
        ZOOKEEPER;

        String name(int n) {
            return switch (this) {
                case KAFKA_CASSANDRA -> BenchmarkReport.ours(n);
                case ZOOKEEPER_ON_CASSANDRA -> BenchmarkReport.bridge(n);
                case ZOOKEEPER -> BenchmarkReport.peer(n);
            };
        }

        Target start(int n, Path home) throws Exception {
            return switch (this) {
                case KAFKA_CASSANDRA -> Target.cassandra(n, home);
                case ZOOKEEPER_ON_CASSANDRA -> Target.zookeeperOnCassandra(n, home);
                case ZOOKEEPER -> Target.zookeeper(n, home);
            };
        }
    }

    /** The workloads, in the order they run ({@code scale} on one server only). */
    static final List<String> WORKLOADS = List.of("storage", "election", "notification", "membership", "scale");

    private BenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        Size size = Size.FULL;
        List<Integer> topologies = List.of(1, 3);
        Path out = Path.of("docs", "benchmarks.md");
        Path dir = Path.of("benchmarks", "target", "bench");
        List<String> workloads = WORKLOADS;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--size" -> size = Size.valueOf(value.toUpperCase());
                case "--topologies" ->
                    topologies = Arrays.stream(value.split(","))
                            .map(Integer::valueOf)
                            .toList();
                case "--workloads" -> workloads = workloads(value);
                case "--out" -> out = Path.of(value);
                case "--dir" -> dir = Path.of(value);
                case "--changes-period-ms" -> Target.changesPeriodMs = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String command = "./benchmarks/run.sh --size " + size + " --topologies "
                + String.join(",", topologies.stream().map(String::valueOf).toList())
                + (workloads.equals(WORKLOADS) ? "" : " --workloads " + String.join(",", workloads))
                + (Target.changesPeriodMs < 0 ? "" : " --changes-period-ms " + Target.changesPeriodMs);
        Results results = run(size, topologies, List.of(SystemUnderTest.values()), workloads, dir);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                out,
                BenchmarkReport.render(
                        results,
                        topologies,
                        size,
                        results.took,
                        command,
                        // the findings read the whole page; a run of some workloads is read on its own
                        workloads.equals(WORKLOADS) ? findings() : ""),
                StandardCharsets.UTF_8);
        System.out.println("[bench] wrote " + out);
        System.exit(results.failedTargets == 0 ? 0 : 1);
    }

    private static List<String> workloads(String list) {
        List<String> chosen = Arrays.asList(list.split(","));
        for (String w : chosen) {
            if (!WORKLOADS.contains(w)) {
                throw new IllegalArgumentException("unknown workload " + w + "; the workloads are " + WORKLOADS);
            }
        }
        return chosen;
    }

    /** The chosen workloads on every target, one target running at a time. */
    static Results run(
            Size size, List<Integer> topologies, List<SystemUnderTest> systems, List<String> workloads, Path dir)
            throws Exception {
        long began = System.nanoTime();
        Results results = new Results();
        for (int n : topologies) {
            for (SystemUnderTest system : systems) {
                String name = system.name(n);
                Path home = dir.resolve(system.name().toLowerCase() + "-" + n);
                wipe(home);
                Files.createDirectories(home);
                System.out.println("[bench] starting " + name);
                try (Target target = system.start(n, home)) {
                    if (workloads.contains("storage")) {
                        StorageBenchmark.run(target, results, size.storageCell);
                    }
                    if (workloads.contains("election")) {
                        ElectionBenchmark.run(target, results, home, size.electionTrials);
                    }
                    if (workloads.contains("notification")) {
                        NotificationBenchmark.run(target, results, home, size.notificationTrials);
                    }
                    if (workloads.contains("membership")) {
                        MembershipBenchmark.run(target, results, home, size.membershipTrials);
                    }
                    if (n == 1 && workloads.contains("scale")) {
                        ScaleBenchmark.run(
                                target,
                                results,
                                home,
                                size.scaleNamespaces,
                                size.scaleUpdates,
                                size.scaleFirstMinute,
                                size.scaleWarmUp,
                                size.scaleIdle);
                    }
                } catch (Exception | Error e) {
                    // The other targets still run and the page is still written, with this failure on it.
                    e.printStackTrace();
                    results.failedTargets++;
                    results.note(name + ": the run stopped early (" + e + "); its missing figures are shown as -");
                }
            }
        }
        results.took = Duration.ofNanos(System.nanoTime() - began);
        return results;
    }

    static void wipe(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The hand-written analysis that follows the tables (why we lose where we lose, and how to win). */
    private static String findings() throws IOException {
        return findings("findings.md");
    }

    static String findings(String resource) throws IOException {
        try (InputStream in = BenchmarkMain.class.getResourceAsStream(resource)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
