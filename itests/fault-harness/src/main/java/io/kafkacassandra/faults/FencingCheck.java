package io.kafkacassandra.faults;

import io.kafkacassandra.faults.Event.Fenced;
import io.kafkacassandra.faults.Event.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Fenced writes against {@code FencedStorage}: once a fenced write (or fence) of a newer epoch has reached a
 * namespace, no acknowledged write of an older epoch lands there after it; and no write is refused unless a newer
 * epoch had tried to write there. A write lands somewhere between its invoke and its completion, so that one
 * acknowledged write landed after another is only concluded from evidence that holds under linearizability:
 * <ol>
 * <li>real time: the older epoch's write was invoked after the newer one's had completed;</li>
 * <li>versions: both wrote the same key and the older epoch's has the higher version (fenced keys are never
 * deleted, so a key's versions grow in the order its writes land; an update's version is the one a read saw its
 * unique value at).</li>
 * </ol>
 * Writes neither orders may have landed in either order, and both are allowed. Also: every value read was written
 * by a fenced write that did not report failure, and no fenced write threw an undocumented exception.
 */
final class FencingCheck {
    private final Histories h;
    private final Findings f;

    FencingCheck(Histories h, Findings f) {
        this.h = h;
        this.f = f;
    }

    void run() {
        Map<String, Fenced> writeOf = new HashMap<>();
        for (Fenced w : h.fenced) {
            if (writeOf.putIfAbsent(w.value(), w) != null) {
                f.violation("harness error: fenced value %s written twice", w.value());
            }
            if (w.outcome() == Outcome.UNKNOWN
                    && !w.error().equals("OutcomeUnknownException")
                    && !w.error().equals(Histories.PROCESS_DIED)) {
                f.violation("%s threw the undocumented %s", describe(w), w.error());
            }
        }
        Map<String, Long> versionOf = versionsSeen(writeOf);
        List<Fenced> acknowledged =
                h.fenced.stream().filter(w -> w.outcome() == Outcome.OK).toList();
        acknowledged.stream()
                .collect(Collectors.groupingBy(Fenced::namespace))
                .values()
                .forEach(this::checkRealTime);
        checkVersions(acknowledged, versionOf);
        checkRefusals();
        figures(acknowledged);
    }

    /** The version each value landed at: what its put or compare-and-set returned, or where a read saw it. */
    private Map<String, Long> versionsSeen(Map<String, Fenced> writeOf) {
        Map<String, Long> versionOf = new HashMap<>();
        for (Fenced w : h.fenced) {
            if (w.outcome() == Outcome.OK && w.version() > 0) {
                versionOf.put(w.value(), w.version());
            }
        }
        for (Event.FencedRead r : h.fencedReads) {
            if (r.value().equals(Event.ABSENT)) {
                continue;
            }
            Fenced w = writeOf.get(r.value());
            if (w == null || w.isFence() || !w.key().equals(r.key())) {
                f.violation("%s read %s from %s, which no fenced write wrote to it", r.process(), r.value(), r.key());
            } else if (w.outcome() == Outcome.FAIL) {
                f.violation(
                        "%s reported %s but took effect: %s read its value at version %d",
                        describe(w), w.error(), r.process(), r.version());
            } else {
                Long before = versionOf.putIfAbsent(r.value(), r.version());
                if (before != null && before.longValue() != r.version()) {
                    f.violation("%s: its value was seen at versions %d and %d", describe(w), before, r.version());
                }
            }
        }
        return versionOf;
    }

    /** Sweeps one namespace's acknowledged writes by invoke time against the newest epoch completed before. */
    private void checkRealTime(List<Fenced> writes) {
        List<Fenced> byComplete = new ArrayList<>(writes);
        byComplete.sort(Comparator.comparingLong(Fenced::complete));
        List<Fenced> byInvoke = new ArrayList<>(writes);
        byInvoke.sort(Comparator.comparingLong(Fenced::invoke));
        int next = 0;
        Fenced newest = null;
        for (Fenced w : byInvoke) {
            while (next < byComplete.size() && byComplete.get(next).complete() < w.invoke()) {
                Fenced done = byComplete.get(next++);
                if (newest == null || done.epoch() > newest.epoch()) {
                    newest = done;
                }
            }
            if (newest != null && w.epoch() < newest.epoch()) {
                f.violation(
                        "%s was acknowledged though invoked after %s had completed: an older epoch's write "
                                + "landed in %s after a newer epoch's",
                        describe(w), describe(newest), w.namespace());
            }
        }
    }

    /** Per key, by version: no write of an older epoch above one of a newer epoch. */
    private void checkVersions(List<Fenced> acknowledged, Map<String, Long> versionOf) {
        record Landed(long version, Fenced write) {}
        Map<String, List<Landed>> byKey = new HashMap<>();
        int known = 0;
        for (Fenced w : acknowledged) {
            long version = versionOf.getOrDefault(w.value(), 0L);
            if (!w.isFence() && version > 0) {
                byKey.computeIfAbsent(w.key(), key -> new ArrayList<>()).add(new Landed(version, w));
                known++;
            }
        }
        for (List<Landed> landed : byKey.values()) {
            landed.sort(Comparator.comparingLong(Landed::version));
            Landed newestBelow = null; // of the newest epoch among the versions below the current one
            int from = 0;
            while (from < landed.size()) {
                int to = from;
                while (to < landed.size()
                        && landed.get(to).version() == landed.get(from).version()) {
                    to++;
                }
                for (Landed l : landed.subList(from, to)) {
                    if (newestBelow != null
                            && l.write().epoch() < newestBelow.write().epoch()) {
                        f.violation(
                                "%s wrote version %d, above version %d written by %s: an older epoch's write "
                                        + "landed after a newer epoch's",
                                describe(l.write()), l.version(), newestBelow.version(), describe(newestBelow.write()));
                    }
                }
                for (Landed l : landed.subList(from, to)) {
                    if (newestBelow == null
                            || l.write().epoch() > newestBelow.write().epoch()) {
                        newestBelow = l;
                    }
                }
                from = to;
            }
        }
        f.figure("acknowledged fenced writes of known version", known);
    }

    /** A refusal needs a cause: a fenced write or fence of the epoch it names, invoked there before it ended. */
    private void checkRefusals() {
        Map<String, NavigableMap<Long, Long>> firstInvoke = new HashMap<>(); // namespace -> epoch -> earliest
        for (Fenced w : h.fenced) {
            firstInvoke.computeIfAbsent(w.namespace(), n -> new TreeMap<>()).merge(w.epoch(), w.invoke(), Math::min);
        }
        for (Fenced w : h.fenced) {
            if (!w.refused()) {
                continue;
            }
            NavigableMap<Long, Long> epochs = firstInvoke.get(w.namespace());
            boolean caused = epochs.tailMap(w.epoch(), false).values().stream().anyMatch(at -> at < w.complete());
            Long named = epochs.get(w.newerEpoch());
            if (!caused) {
                f.violation(
                        "%s was refused as fenced out by epoch %d, but no fenced write of a newer epoch had "
                                + "been invoked in %s before the refusal: a refusal nobody caused",
                        describe(w), w.newerEpoch(), w.namespace());
            } else if (w.newerEpoch() <= w.epoch() || named == null || named >= w.complete()) {
                f.violation(
                        "%s was refused naming epoch %d, which no fenced write had used in %s before the " + "refusal",
                        describe(w), w.newerEpoch(), w.namespace());
            }
        }
    }

    private void figures(List<Fenced> acknowledged) {
        Map<Long, Long> perEpoch = new TreeMap<>(acknowledged.stream()
                .filter(w -> !w.isFence())
                .collect(Collectors.groupingBy(Fenced::epoch, Collectors.counting())));
        f.figure("fenced writes acknowledged", count(w -> !w.isFence() && w.outcome() == Outcome.OK));
        f.figure(
                "fenced writes acknowledged per epoch (epoch:count)",
                perEpoch.isEmpty()
                        ? "-"
                        : perEpoch.entrySet().stream()
                                .map(e -> e.getKey() + ":" + e.getValue())
                                .collect(Collectors.joining(", ")));
        f.figure("fenced writes refused (fenced out)", count(w -> !w.isFence() && w.refused()));
        f.figure(
                "fenced writes failed otherwise",
                count(w -> !w.isFence() && w.outcome() == Outcome.FAIL && !w.refused()));
        f.figure("fenced writes of unknown outcome", count(w -> !w.isFence() && w.outcome() == Outcome.UNKNOWN));
        f.figure("fences raised", count(w -> w.isFence() && w.outcome() == Outcome.OK));
        f.figure("fences refused (fenced out)", count(w -> w.isFence() && w.refused()));
    }

    private long count(Predicate<Fenced> which) {
        return h.fenced.stream().filter(which).count();
    }

    private static String describe(Fenced w) {
        return String.format("fenced %s of %s by %s (epoch %d)", w.kind(), w.key(), w.process(), w.epoch());
    }
}
