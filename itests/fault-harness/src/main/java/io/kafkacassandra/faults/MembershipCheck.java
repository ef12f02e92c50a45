package io.kafkacassandra.faults;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Group membership converges: once the last fault is healed, every live broker's view equals the set of live
 * brokers within TTL + one poll period (+ slack), and stays so.
 */
final class MembershipCheck {
    private final Histories h;
    private final Findings f;
    private final CheckSettings settings;

    MembershipCheck(Histories h, Findings f, CheckSettings settings) {
        this.h = h;
        this.f = f;
        this.settings = settings;
    }

    void run() {
        long quiet = h.quietAt();
        if (quiet == Long.MAX_VALUE) {
            f.violation("harness error: no QUIET event");
            return;
        }
        List<String> alive = h.spawnedAt.keySet().stream()
                .filter(p -> h.spawnedAt.get(p) < quiet && h.exitOf(p) > quiet)
                .sorted()
                .toList();
        Set<String> expected = alive.stream().map(h.brokerOf::get).collect(Collectors.toCollection(TreeSet::new));
        List<Event.View> views = h.all(Event.View.class);
        long slowest = 0;
        for (String process : alive) {
            List<Event.View> own =
                    views.stream().filter(v -> v.process().equals(process)).toList();
            if (own.isEmpty() || !own.get(own.size() - 1).members().equals(expected)) {
                f.violation(
                        "%s ends with group view %s, not the live brokers %s",
                        process,
                        own.isEmpty()
                                ? "(none)"
                                : new TreeSet<>(own.get(own.size() - 1).members()),
                        expected);
                continue;
            }
            int first = own.size() - 1;
            while (first > 0 && own.get(first - 1).members().equals(expected)) {
                first--;
            }
            long took = Math.max(0, own.get(first).at() - quiet);
            slowest = Math.max(slowest, took);
            if (took > settings.liveness()) {
                f.violation(
                        "%s saw the live brokers %.0f ms after the last fault, more than TTL + poll + slack",
                        process, took / 1e6);
            }
        }
        f.figure("group views", views.size());
        f.figure("membership converged after the last fault (ms)", String.format("%.0f", slowest / 1e6));
    }
}
