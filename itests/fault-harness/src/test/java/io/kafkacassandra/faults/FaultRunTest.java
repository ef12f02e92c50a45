package io.kafkacassandra.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fault run against real Cassandra: 3 minutes of faults in the README's test command; the long run sets
 * {@code -Dfaults.minutes=30 -Dfaults.report=...} (see docs/fault-testing.md). Clock skews stay within the plugin's clock drift
 * ({@code -Dfaults.clock.skew.ms}, 200 by default); beyond it is {@link ClockBeyondBoundRun}'s job.
 */
class FaultRunTest {
    @Test
    void noViolationUnderFaults() throws Exception {
        Duration skewBound = Duration.ofMillis(
                Long.parseLong(property("faults.clock.skew.ms", Long.toString(FaultRun.CLOCK_DRIFT.toMillis()))));
        Path dir = Path.of(property("faults.dir", "target/faults"));
        // -Dfaults.clock=false leaves the clock skews out (to tell whether a finding depends on them).
        List<Nemesis.Kind> cycle = Boolean.parseBoolean(property("faults.clock", "true"))
                ? List.of()
                : java.util.Arrays.stream(Nemesis.Kind.values())
                        .filter(k -> k != Nemesis.Kind.SKEW_CLOCK)
                        .toList();
        FaultRun.Options options = options(dir, skewBound, cycle);
        assertFalse(
                options.beyondBound(),
                "a skew beyond the plugin's clock drift (" + FaultRun.CLOCK_DRIFT.toMillis()
                        + " ms) may break things: that is ClockBeyondBoundRun's job");
        FaultRun.Result result = run(options);

        assertEquals(
                0,
                result.findings().violationCount(),
                () -> "violations:\n" + String.join("\n", result.findings().violations) + "\nhistories and report in "
                        + dir);
        Set<String> kinds = result.faults().stream().map(Event.Fault::kind).collect(Collectors.toSet());
        assertTrue(
                kinds.containsAll(Set.of("KILL_NODE", "PAUSE_NODE", "PAUSE_LEADER", "KILL_LEADER")),
                "every kind of fault was injected at least once: " + kinds);
        if (options.kafka()) {
            assertTrue(
                    kinds.containsAll(Set.of("KILL_ZK_INSTANCE", "KILL_KAFKA_CONTROLLER", "PAUSE_KAFKA_CONTROLLER")),
                    "every kind of Kafka fault was injected at least once: " + kinds);
            assertTrue(
                    Long.parseLong(result.findings().figures.get("Kafka records acknowledged")) > 0,
                    "the Kafka producer had records acknowledged: " + result.findings().figures);
        }
        assertTrue(
                Long.parseLong(result.findings().figures.get("fenced writes acknowledged")) > 0,
                "the leaders made fenced writes: " + result.findings().figures);
        // The first leadership, then a new one after every fault aimed at the leader (some held inside a skew).
        long leaderFaults = result.faults().stream()
                .filter(f -> f.kind().equals("PAUSE_LEADER") || f.kind().equals("KILL_LEADER"))
                .count();
        assertTrue(
                Integer.parseInt(result.findings().figures.get("believed leaderships")) >= 1 + leaderFaults,
                "a new leadership after every fault aimed at the leader (" + leaderFaults + "): "
                        + result.findings().figures);
        assertTrue(
                Integer.parseInt(result.findings().figures.get("leadership events told to listeners")) > 0,
                "the brokers' leadership listeners were told something: " + result.findings().figures);
    }

    /**
     * The options of a run as the pom passes them: {@code faults.minutes}, {@code faults.seed} and {@code faults.kafka}
     * (the Kafka workload, off in the 3-minute run: seven more JVMs and three more kinds of fault do not fit it).
     */
    static FaultRun.Options options(Path dir, Duration skewBound, List<Nemesis.Kind> cycle) {
        double minutes = Double.parseDouble(property("faults.minutes", "3"));
        String seedText = property("faults.seed", "");
        long seed = seedText.isEmpty() ? System.nanoTime() : Long.parseLong(seedText);
        boolean kafka = Boolean.parseBoolean(property("faults.kafka", "false"));
        return new FaultRun.Options(
                Duration.ofSeconds(Math.round(minutes * 60)), dir, seed, 4, skewBound, cycle, kafka);
    }

    /** Runs, prints the report and copies it where {@code faults.report} says, if anywhere. */
    static FaultRun.Result run(FaultRun.Options options) throws Exception {
        FaultRun.Result result = FaultRun.run(options);
        System.out.println(result.report());
        String copyTo = property("faults.report", "");
        if (!copyTo.isEmpty()) {
            FaultRun.copy(result.report(), Path.of(copyTo));
        }
        return result;
    }

    static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
