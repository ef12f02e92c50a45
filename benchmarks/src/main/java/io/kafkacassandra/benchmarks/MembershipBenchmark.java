package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Workload 4: three member processes that observe their group. A member leaves and joins again (until both
 * other members have been told), and a member's process is killed with SIGKILL (until both others no longer
 * list it; a new member then takes its place).
 */
final class MembershipBenchmark {
    private static final String GROUP = "brokers";

    private MembershipBenchmark() {}

    static void run(Target target, Results results, Path logs, int trials) throws Exception {
        try (Agents agents = new Agents(target, logs)) {
            List<ChildJvm> members = new ArrayList<>();
            int next = 0;
            for (; next < 3; next++) {
                members.add(agents.start("member-" + next, "member", GROUP, "member-" + next));
            }
            List<Long> leave = new ArrayList<>();
            List<Long> join = new ArrayList<>();
            List<Long> crash = new ArrayList<>();
            for (int trial = 0; trial < trials; trial++) {
                ChildJvm subject = members.get(trial % members.size());
                List<ChildJvm> others = new ArrayList<>(members);
                others.remove(subject);
                awaitViews(members, v -> v.size() == members.size());

                int mark = subject.lineCount();
                List<Integer> marks = others.stream().map(ChildJvm::lineCount).toList();
                subject.send("LEAVE");
                long leftAt = Agents.await(subject, mark, "LEAVING ", Agents.TOLD);
                leave.add(toldOf(others, marks, v -> !v.contains(subject.name())) - leftAt);

                mark = subject.lineCount();
                marks = others.stream().map(ChildJvm::lineCount).toList();
                subject.send("JOIN");
                long joinedAt = Agents.await(subject, mark, "JOINING ", Agents.TOLD);
                join.add(toldOf(others, marks, v -> v.contains(subject.name())) - joinedAt);

                awaitViews(members, v -> v.size() == members.size());
                marks = others.stream().map(ChildJvm::lineCount).toList();
                long killedAt = System.nanoTime();
                subject.kill();
                crash.add(toldOf(others, marks, v -> !v.contains(subject.name())) - killedAt);
                members.set(
                        members.indexOf(subject), agents.start("member-" + next, "member", GROUP, "member-" + next));
                next++;
            }
            results.addDistribution("membership", "leave", target.name(), leave);
            results.addDistribution("membership", "join", target.name(), join);
            results.addDistribution("membership", "crash", target.name(), crash);
        }
    }

    /** The latest time at which one of the observers was told a view that satisfies the test. */
    private static long toldOf(List<ChildJvm> observers, List<Integer> marks, Predicate<List<String>> test)
            throws InterruptedException {
        long told = 0;
        for (int i = 0; i < observers.size(); i++) {
            told = Math.max(
                    told,
                    Agents.nanos(observers
                            .get(i)
                            .awaitLine(marks.get(i), l -> l.startsWith("VIEW ") && test.test(view(l)), Agents.TOLD)));
        }
        return told;
    }

    /** Until every member's last view satisfies the test. */
    private static void awaitViews(List<ChildJvm> members, Predicate<List<String>> test) throws InterruptedException {
        long deadline = System.nanoTime() + Agents.TOLD.toNanos();
        for (ChildJvm m : members) {
            while (true) {
                List<String> views =
                        m.lines().stream().filter(l -> l.startsWith("VIEW ")).toList();
                if (!views.isEmpty() && test.test(view(views.get(views.size() - 1)))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(m.name() + " never saw the whole group: " + views);
                }
                Thread.sleep(20);
            }
        }
    }

    private static List<String> view(String line) {
        String ids = line.split(" ")[1];
        return ids.isEmpty() ? List.of() : Arrays.asList(ids.split(","));
    }
}
