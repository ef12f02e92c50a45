package io.kafkacassandra.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fault run against real Cassandra: 3 minutes of faults in the README's test command; the long run sets
 * {@code -Dfaults.minutes=30 -Dfaults.report=...} (see README).
 */
class FaultRunTest {
    @Test
    void noViolationUnderFaults() throws Exception {
        double minutes = Double.parseDouble(property("faults.minutes", "3"));
        String seedText = property("faults.seed", "");
        long seed = seedText.isEmpty() ? System.nanoTime() : Long.parseLong(seedText);
        Path dir = Path.of(property("faults.dir", "target/faults"));
        FaultRun.Result result = FaultRun.run(new FaultRun.Options(
                Duration.ofSeconds(Math.round(minutes * 60)), dir, seed, 4));
        System.out.println(result.report());
        String copyTo = property("faults.report", "");
        if (!copyTo.isEmpty()) {
            FaultRun.copy(result.report(), Path.of(copyTo));
        }

        assertEquals(0, result.findings().violationCount(), () -> "violations:\n"
                + String.join("\n", result.findings().violations) + "\nhistories and report in " + dir);
        Set<String> kinds = result.faults().stream().map(Event.Fault::kind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("KILL_NODE", "PAUSE_NODE", "PAUSE_LEADER", "KILL_LEADER")),
                "every kind of fault was injected at least once: " + kinds);
        assertTrue(Long.parseLong(result.findings().figures.get("fenced writes acknowledged")) > 0,
                "the leaders made fenced writes: " + result.findings().figures);
        // The first leadership, then a new one after every fault aimed at the leader.
        long leaderFaults = result.faults().stream()
                .filter(f -> f.kind().equals("PAUSE_LEADER") || f.kind().equals("KILL_LEADER")).count();
        assertTrue(Integer.parseInt(result.findings().figures.get("believed leaderships")) >= 1 + leaderFaults,
                "a new leadership after every fault aimed at the leader (" + leaderFaults + "): "
                        + result.findings().figures);
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
