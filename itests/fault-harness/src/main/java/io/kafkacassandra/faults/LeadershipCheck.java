package io.kafkacassandra.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader election: no two believed leaderships overlap, epochs strictly increase with time, and after the
 * leader's process is killed or paused another broker leads within TTL + one poll period (+ slack).
 */
final class LeadershipCheck {
    /** A believed leadership; a process that died leading believed until its logged exit. */
    record Interval(String process, long epoch, long start, long end) {}

    private final Histories h;
    private final Findings f;
    private final CheckSettings settings;

    LeadershipCheck(Histories h, Findings f, CheckSettings settings) {
        this.h = h;
        this.f = f;
        this.settings = settings;
    }

    List<Interval> intervals() {
        List<Interval> intervals = new ArrayList<>();
        Map<String, Event.LeadStart> open = new HashMap<>();
        for (Event e : h.events) {
            if (e instanceof Event.LeadStart s) {
                Event.LeadStart previous = open.put(s.process(), s);
                if (previous != null) {
                    f.violation(
                            "harness error: %s started epoch %d while %d was open",
                            s.process(), s.epoch(), previous.epoch());
                }
            } else if (e instanceof Event.LeadEnd end) {
                Event.LeadStart s = open.remove(end.process());
                if (s == null || s.epoch() != end.epoch()) {
                    f.violation("harness error: %s ended epoch %d it had not started", end.process(), end.epoch());
                } else {
                    intervals.add(new Interval(s.process(), s.epoch(), s.at(), end.at()));
                }
            }
        }
        open.values().forEach(s -> intervals.add(new Interval(s.process(), s.epoch(), s.at(), h.exitOf(s.process()))));
        intervals.sort(Comparator.comparingLong(Interval::start));
        return intervals;
    }

    void run() {
        List<Interval> intervals = intervals();
        Interval latest = null;
        Interval previous = null;
        long smallestGap = Long.MAX_VALUE;
        for (Interval i : intervals) {
            if (latest != null) {
                if (i.start() <= latest.end()) {
                    f.violation(
                            "two leaders at once: %s (epoch %d) until %s and %s (epoch %d) from %s",
                            latest.process(), latest.epoch(), latest.end(), i.process(), i.epoch(), i.start());
                } else {
                    smallestGap = Math.min(smallestGap, i.start() - latest.end());
                }
            }
            if (previous != null && i.epoch() <= previous.epoch()) {
                f.violation(
                        "epoch went from %d (%s) to %d (%s)",
                        previous.epoch(), previous.process(), i.epoch(), i.process());
            }
            previous = i;
            if (latest == null || i.end() > latest.end()) {
                latest = i;
            }
        }
        f.figure("believed leaderships", intervals.size());
        f.figure(
                "epochs",
                intervals.stream().mapToLong(Interval::epoch).distinct().count());
        f.figure(
                "smallest gap between two leaderships (ms)",
                smallestGap == Long.MAX_VALUE ? "-" : String.format("%.1f", smallestGap / 1e6));
        checkFailovers(intervals);
    }

    private void checkFailovers(List<Interval> intervals) {
        for (Event.Fault fault : h.faults) {
            if (!fault.kind().equals(Nemesis.Kind.KILL_LEADER.name())
                    && !fault.kind().equals(Nemesis.Kind.PAUSE_LEADER.name())) {
                continue;
            }
            Interval next = intervals.stream()
                    .filter(i -> i.start() > fault.start() && !i.process().equals(fault.target()))
                    .findFirst()
                    .orElse(null);
            if (next == null) {
                f.violation("no other broker led after %s of %s", fault.kind(), fault.target());
                continue;
            }
            long took = next.start() - fault.start();
            f.duration("failover after " + fault.kind(), took);
            if (took > settings.liveness()) {
                f.violation(
                        "after %s of %s the next leader (%s) took %.0f ms, more than TTL + poll + slack " + "(%.0f ms)",
                        fault.kind(), fault.target(), next.process(), took / 1e6, settings.liveness() / 1e6);
            }
        }
    }
}
