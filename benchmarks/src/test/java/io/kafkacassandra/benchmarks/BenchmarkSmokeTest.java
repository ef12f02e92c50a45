package io.kafkacassandra.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A smoke-sized run of every workload on one Cassandra node and one ZooKeeper server, so that the benchmarks do
 * not rot: each figure is measured for both systems and is a real number. Not a performance gate.
 */
class BenchmarkSmokeTest {
    @Test
    void everyWorkloadMeasuresBothSystems() throws Exception {
        Results results = BenchmarkMain.run(BenchmarkMain.Size.SMOKE, List.of(1), Path.of("target", "bench-smoke"));
        assertEquals(Set.of("storage", "election", "notification", "membership", "scale"), results.figures.keySet());
        for (Map.Entry<String, Map<Results.Metric, Map<String, Double>>> w : results.figures.entrySet()) {
            for (Map.Entry<Results.Metric, Map<String, Double>> m : w.getValue().entrySet()) {
                if (m.getKey().name().endsWith("failed calls")) {
                    continue;
                }
                assertEquals(
                        Set.of(BenchmarkReport.ours(1), BenchmarkReport.peer(1)),
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
