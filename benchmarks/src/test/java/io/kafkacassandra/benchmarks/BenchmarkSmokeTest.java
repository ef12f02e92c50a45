package io.kafkacassandra.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A smoke-sized run of every workload on one Cassandra node (kafka-cassandra, and the ZooKeeper service on it) and
 * one ZooKeeper server, so that the benchmarks do not rot: each figure is measured for every system and is a real
 * number. Not a performance gate.
 */
class BenchmarkSmokeTest {
    @Test
    void everyWorkloadMeasuresEverySystem() throws Exception {
        Results results = BenchmarkMain.run(
                BenchmarkMain.Size.SMOKE,
                List.of(1),
                List.of(BenchmarkMain.SystemUnderTest.values()),
                BenchmarkMain.WORKLOADS,
                Path.of("target", "bench-smoke"));
        assertEquals(Set.of("storage", "election", "notification", "membership", "scale"), results.figures.keySet());
        for (Map.Entry<String, Map<Results.Metric, Map<String, Double>>> w : results.figures.entrySet()) {
            for (Map.Entry<Results.Metric, Map<String, Double>> m : w.getValue().entrySet()) {
                if (m.getKey().name().endsWith("failed calls")) {
                    continue;
                }
                Set<String> measured = m.getKey().name().startsWith("getData")
                        ? Set.of(BenchmarkReport.bridge(1), BenchmarkReport.peer(1)) // ZooKeeper's protocol only
                        : m.getKey().name().startsWith("bare LWT")
                                        || m.getKey().name().startsWith("update without its hint")
                                ? Set.of(BenchmarkReport.ours(1)) // the floor, and the experiment pricing the hint
                                : Set.of(BenchmarkReport.ours(1), BenchmarkReport.bridge(1), BenchmarkReport.peer(1));
                assertEquals(
                        measured,
                        m.getValue().keySet(),
                        w.getKey() + " / " + m.getKey().name());
                m.getValue()
                        .forEach((target, v) -> assertTrue(
                                Double.isFinite(v) && v >= 0,
                                w.getKey() + " / " + m.getKey().name() + " / " + target + " = " + v));
            }
        }
        String report = BenchmarkReport.render(results, List.of(1), BenchmarkMain.Size.SMOKE, results.took, "test", "");
        assertTrue(report.contains("| put @32 p99 (ms) ↓ |"), report);
    }
}
