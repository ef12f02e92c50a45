package io.kafkacassandra.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the checks found: violations (a correct run has none), figures and series of durations for the report. */
final class Findings {
    private static final int MAX_VIOLATIONS_KEPT = 200;

    final List<String> violations = new ArrayList<>();
    final Map<String, String> figures = new LinkedHashMap<>();
    final Map<String, List<Long>> durations = new LinkedHashMap<>();
    /** The bound of a series of durations where it is not the plugin's liveness bound. */
    final Map<String, Long> bounds = new LinkedHashMap<>();

    private int violationCount;

    void violation(String format, Object... args) {
        violationCount++;
        if (violations.size() < MAX_VIOLATIONS_KEPT) {
            violations.add(String.format(format, args));
        }
    }

    int violationCount() {
        return violationCount;
    }

    void figure(String name, Object value) {
        figures.put(name, String.valueOf(value));
    }

    void bound(String series, long nanos) {
        bounds.put(series, nanos);
    }

    void duration(String series, long nanos) {
        durations.computeIfAbsent(series, k -> new ArrayList<>()).add(nanos);
    }
}
