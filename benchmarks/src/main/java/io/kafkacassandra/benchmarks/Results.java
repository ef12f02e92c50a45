package io.kafkacassandra.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of a run: workload, then metric, then target name. */
final class Results {
    /** How to read a metric's ratio: whether a lower or a higher figure is better. */
    enum Better {
        LOWER,
        HIGHER
    }

    record Metric(String name, Better better) {}

    final Map<String, Map<Metric, Map<String, Double>>> figures = new LinkedHashMap<>();
    final List<String> targets = new ArrayList<>();
    /** What the tables cannot say, e.g. why calls failed; rendered below them. */
    final List<String> notes = new ArrayList<>();

    Duration took = Duration.ZERO;
    int failedTargets;

    synchronized void add(String workload, String metric, Better better, String target, double value) {
        if (!targets.contains(target)) {
            targets.add(target);
        }
        figures.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                .computeIfAbsent(new Metric(metric, better), m -> new LinkedHashMap<>())
                .put(target, value);
        System.out.printf("[bench] %-12s %-40s %-32s %10.2f%n", workload, metric, target, value);
    }

    synchronized void note(String note) {
        notes.add(note);
        System.out.println("[bench] note: " + note);
    }

    /** Adds p50, p99 and max (in ms) of the durations (in ns). */
    void addDistribution(String workload, String what, String target, List<Long> nanos) {
        add(workload, what + " p50 (ms)", Better.LOWER, target, percentile(nanos, 50) / 1e6);
        add(workload, what + " p99 (ms)", Better.LOWER, target, percentile(nanos, 99) / 1e6);
        add(workload, what + " max (ms)", Better.LOWER, target, percentile(nanos, 100) / 1e6);
    }

    static double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
