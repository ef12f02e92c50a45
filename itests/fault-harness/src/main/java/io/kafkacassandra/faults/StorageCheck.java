package io.kafkacassandra.faults;

import io.kafkacassandra.faults.Event.Op;
import io.kafkacassandra.faults.Event.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Storage against its contract. Every written value is unique and the workload never deletes, so each version of
 * a key has exactly one value, a put's is version 1 and every applied write adds one version. Per key:
 * <ol>
 * <li>one value per version and one version per value (else a write was lost or applied twice);</li>
 * <li>every value seen was written by a write that succeeded or whose outcome is unknown, never by one that
 * reported failure; a compare-and-set's value sits one above the version it expected;</li>
 * <li>no read returns a version older than one acknowledged or read before the read began (real time);</li>
 * <li>the final version lies between the number of acknowledged writes and that plus the unknown ones.</li>
 * </ol>
 */
final class StorageCheck {
    private final Histories h;
    private final Findings f;
    /** key -> version -> values seen at it. */
    private final Map<String, TreeMap<Long, Set<String>>> seen = new HashMap<>();

    private final Map<String, Op> writeOf = new HashMap<>();

    StorageCheck(Histories h, Findings f) {
        this.h = h;
        this.f = f;
    }

    private Map<String, Long> versions = Map.of();

    /** The version each value was seen at, for the watch check; filled by {@link #run()}. */
    Map<String, Long> versionOfValue() {
        return versions;
    }

    void run() {
        for (Op op : h.ops) {
            if (op.isWrite() && writeOf.putIfAbsent(op.value(), op) != null) {
                f.violation("harness error: value %s written twice", op.value());
            }
            if (op.outcome() == Outcome.OK
                    && !op.kind().equals("UPDATE")
                    && !(op.kind().equals("READ") && op.readValue().equals(Event.ABSENT))) {
                see(op.key(), op.version(), op.kind().equals("READ") ? op.readValue() : op.value());
            }
            if (op.isWrite()
                    && op.outcome() == Outcome.UNKNOWN
                    && !op.error().equals("OutcomeUnknownException")
                    && !op.error().equals(Histories.PROCESS_DIED)) {
                f.violation("%s of %s by %s threw the undocumented %s", op.kind(), op.key(), op.process(), op.error());
            }
        }
        h.finalReads.values().stream()
                .filter(r -> !r.value().equals(Event.ABSENT))
                .forEach(r -> see(r.key(), r.version(), r.value()));

        Map<String, Long> byValue = new HashMap<>();
        seen.forEach((key, byVersion) -> byVersion.forEach((v, values) -> values.forEach(x -> byValue.put(x, v))));
        versions = byValue;
        Map<String, List<Op>> byKey = h.ops.stream().collect(Collectors.groupingBy(Op::key));
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            checkValues(e.getKey());
            checkRealTime(e.getKey(), e.getValue(), versions);
            checkCount(e.getKey(), e.getValue());
        }
        f.figure("keys checked", byKey.size());
        for (String kind : List.of("PUT", "UPDATE", "CAS", "READ")) {
            for (Outcome outcome : Outcome.values()) {
                long n = h.ops.stream()
                        .filter(o -> o.kind().equals(kind) && o.outcome() == outcome)
                        .count();
                f.figure(kind + " " + outcome, n);
            }
        }
    }

    private void see(String key, long version, String value) {
        seen.computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(version, v -> new TreeSet<>())
                .add(value);
    }

    private void checkValues(String key) {
        Map<String, Long> versionOf = new HashMap<>();
        seen.getOrDefault(key, new TreeMap<>()).forEach((version, values) -> {
            if (values.size() > 1) {
                f.violation(
                        "key %s has %d values at version %d: %s (a write was lost or applied twice)",
                        key, values.size(), version, values);
            }
            for (String value : values) {
                Long other = versionOf.put(value, version);
                if (other != null) {
                    f.violation("key %s: value %s seen at versions %d and %d", key, value, other, version);
                }
                Op write = writeOf.get(value);
                if (write == null || !write.key().equals(key)) {
                    f.violation("key %s: value %s at version %d was never written to it", key, value, version);
                } else if (write.outcome() == Outcome.FAIL) {
                    f.violation(
                            "key %s: %s of %s reported failure (%s) but took effect at version %d",
                            key, write.kind(), value, write.error(), version);
                } else if (write.kind().equals("CAS") && write.expected() + 1 != version) {
                    f.violation(
                            "key %s: compare-and-set expecting version %d wrote version %d",
                            key, write.expected(), version);
                } else if (write.kind().equals("PUT") && version != 1) {
                    f.violation("key %s: put created version %d, not 1 (created twice?)", key, version);
                }
            }
        });
    }

    /** Sweeps reads by start time against everything acknowledged or read before them. */
    private void checkRealTime(String key, List<Op> ops, Map<String, Long> versionOf) {
        record Known(long complete, long version, Op op) {}
        List<Known> known = new ArrayList<>();
        for (Op op : ops) {
            if (op.outcome() != Outcome.OK) {
                continue;
            }
            long version = op.kind().equals("UPDATE") ? versionOf.getOrDefault(op.value(), 0L) : op.version();
            known.add(new Known(op.complete(), version, op));
        }
        known.sort(Comparator.comparingLong(Known::complete));
        List<Op> reads = ops.stream()
                .filter(o -> o.kind().equals("READ") && o.outcome() == Outcome.OK)
                .sorted(Comparator.comparingLong(Op::invoke))
                .toList();
        int next = 0;
        Known newest = null;
        for (Op read : reads) {
            while (next < known.size() && known.get(next).complete() < read.invoke()) {
                Known k = known.get(next++);
                if (newest == null || k.version() > newest.version()) {
                    newest = k;
                }
            }
            if (newest != null && read.version() < newest.version()) {
                f.violation(
                        "key %s: read by %s saw version %d, but %s by %s had %s version %d before the read " + "began",
                        key,
                        read.process(),
                        read.version(),
                        newest.op().kind(),
                        newest.op().process(),
                        newest.op().kind().equals("READ") ? "seen" : "written",
                        newest.version());
            }
        }
    }

    private void checkCount(String key, List<Op> ops) {
        Event.FinalRead last = h.finalReads.get(key);
        if (last == null) {
            f.violation("key %s has no final read", key);
            return;
        }
        long acknowledged = ops.stream()
                .filter(o -> o.isWrite() && o.outcome() == Outcome.OK)
                .count();
        long unknown = ops.stream()
                .filter(o -> o.isWrite() && o.outcome() == Outcome.UNKNOWN)
                .count();
        if (last.version() < acknowledged) {
            f.violation(
                    "key %s ends at version %d but %d writes were acknowledged: %d lost",
                    key, last.version(), acknowledged, acknowledged - last.version());
        }
        if (last.version() > acknowledged + unknown) {
            f.violation(
                    "key %s ends at version %d but only %d writes may have applied (%d acknowledged, %d " + "unknown)",
                    key, last.version(), acknowledged + unknown, acknowledged, unknown);
        }
    }
}
