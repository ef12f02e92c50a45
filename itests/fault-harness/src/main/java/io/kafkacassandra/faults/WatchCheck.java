package io.kafkacassandra.faults;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Listeners never go backwards in time and end on the final value: per broker and key, the versions of the
 * values it was told never decrease and a key never disappears (the workload never deletes); a key set never
 * loses a key; each broker's last value of a key is the final one.
 */
final class WatchCheck {
    private final Histories h;
    private final Findings f;
    private final Map<String, Long> versionOf;

    WatchCheck(Histories h, Findings f, Map<String, Long> versionOf) {
        this.h = h;
        this.f = f;
        this.versionOf = versionOf;
    }

    void run() {
        Map<String, Long> last = new HashMap<>();
        int unversioned = 0;
        List<Event.Watch> watches = h.all(Event.Watch.class);
        for (Event.Watch w : watches) {
            String where = w.process() + "\t" + w.key();
            long version = w.value().equals(Event.ABSENT) ? 0 : versionOf.getOrDefault(w.value(), -1L);
            if (version < 0) {
                unversioned++;
                continue;
            }
            Long before = last.put(where, version);
            if (before != null && version < before) {
                f.violation("%s was told version %d of %s after version %d", w.process(), version, w.key(), before);
            }
        }
        Map<String, Set<String>> keySets = new HashMap<>();
        for (Event.KeySet k : h.all(Event.KeySet.class)) {
            Set<String> before = keySets.put(k.process() + "\t" + k.namespace(), k.keys());
            if (before != null && !k.keys().containsAll(before)) {
                Set<String> lost = new HashSet<>(before);
                lost.removeAll(k.keys());
                f.violation(
                        "%s was told a key set of %s without %s, which it had been told of",
                        k.process(), k.namespace(), lost);
            }
        }
        int finals = 0;
        for (Event.Final fin : h.all(Event.Final.class)) {
            finals++;
            Event.FinalRead read = h.finalReads.get(fin.key());
            String expected = read == null ? Event.ABSENT : read.value();
            if (!fin.value().equals(expected)) {
                f.violation(
                        "%s's listener ends on %s for %s, but the key holds %s",
                        fin.process(), fin.value(), fin.key(), expected);
            }
        }
        if (finals == 0) {
            f.violation("harness error: no broker reported the final values of its listeners");
        }
        f.figure("value notifications", watches.size());
        f.figure("value notifications whose version no read saw", unversioned);
        f.figure("key set notifications", h.all(Event.KeySet.class).size());
        f.figure("listeners compared with the final values", finals);
    }
}
