package io.kafkacassandra.faults;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the leadership listeners were told. Per process, in epoch order, as {@code LeadershipListener} promises:
 * leadership {@code e} ranks {@code 2e}, its end {@code 2e + 1}; a vacancy is told without its epoch, so it ranks
 * one above whatever came before it (two vacancies in a row are allowed: each may end a leadership this process
 * never saw), and a leadership must rank above the event before it: never an older epoch after a newer one, nor
 * an epoch again after its end. And every epoch, told to a listener or believed by a leader, names one broker:
 * an epoch is granted once.
 */
final class LeaderToldCheck {
    private record Naming(String leader, String source) {}

    private final Histories h;
    private final Findings f;
    private final Map<Long, Naming> named = new HashMap<>();
    private final Set<String> conflicts = new HashSet<>();

    LeaderToldCheck(Histories h, Findings f) {
        this.h = h;
        this.f = f;
    }

    void run() {
        Map<String, Long> rank = new HashMap<>();
        Map<String, Event.LeaderTold> highest = new HashMap<>(); // the event that ranks highest so far
        int told = 0;
        int vacancies = 0;
        for (Event e : h.events) {
            if (e instanceof Event.LeadStart s && h.brokerOf.containsKey(s.process())) {
                name(s.epoch(), h.brokerOf.get(s.process()), "believed by " + s.process());
            }
            if (!(e instanceof Event.LeaderTold t)) {
                continue;
            }
            told++;
            long previous = rank.getOrDefault(t.process(), -1L);
            long now;
            if (t.vacant()) {
                vacancies++;
                now = previous | 1;
            } else {
                name(t.epoch(), t.leader(), "told to " + t.process());
                now = 2 * t.epoch();
                if (now <= previous) {
                    Event.LeaderTold top = highest.get(t.process());
                    f.violation(
                            "%s was told epoch %d (%s) after %s, out of epoch order",
                            t.process(),
                            t.epoch(),
                            t.leader(),
                            top.vacant()
                                    ? "the end of epoch " + (previous >> 1)
                                    : "epoch " + top.epoch() + " (" + top.leader() + ")");
                }
            }
            if (now > previous) {
                rank.put(t.process(), now);
                highest.put(t.process(), t);
            }
        }
        f.figure("leadership events told to listeners", told);
        f.figure("of which vacancies", vacancies);
    }

    private void name(long epoch, String leader, String source) {
        Naming first = named.putIfAbsent(epoch, new Naming(leader, source));
        if (first != null && !first.leader().equals(leader) && conflicts.add(epoch + " " + leader)) {
            f.violation(
                    "epoch %d names two leaders: %s (%s) and %s (%s)",
                    epoch, first.leader(), first.source(), leader, source);
        }
    }
}
