package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload 2: three candidate processes for one service. Crash failover: the leader's process is killed with
 * SIGKILL, until every other candidate has been told of a new leader. Graceful hand-over: the leader resigns,
 * until every candidate (the resigning one too) has been told of the new leader.
 */
final class ElectionBenchmark {
    private static final String SERVICE = "controller";

    private ElectionBenchmark() {}

    static void run(Target target, Results results, Path logs, int trials) throws Exception {
        try (Agents agents = new Agents(target, logs)) {
            List<ChildJvm> candidates = new ArrayList<>();
            int next = 0;
            for (; next < 3; next++) {
                candidates.add(agents.start("candidate-" + next, "candidate", SERVICE, "candidate-" + next));
            }
            List<Long> crash = new ArrayList<>();
            for (int trial = 0; trial < trials; trial++) {
                ChildJvm leader = leader(candidates);
                List<ChildJvm> others = new ArrayList<>(candidates);
                others.remove(leader);
                List<Integer> marks = others.stream().map(ChildJvm::lineCount).toList();
                long killedAt = System.nanoTime();
                leader.kill();
                long told = 0;
                for (int i = 0; i < others.size(); i++) {
                    told = Math.max(told, toldOfAnother(others.get(i), marks.get(i), leader));
                }
                crash.add(told - killedAt);
                candidates.remove(leader);
                candidates.add(agents.start("candidate-" + next, "candidate", SERVICE, "candidate-" + next));
                next++;
                leader(candidates); // everyone agrees again before the next trial
            }
            results.addDistribution("election", "crash failover", target.name(), crash);

            List<Long> handOver = new ArrayList<>();
            for (int trial = 0; trial < trials; trial++) {
                ChildJvm leader = leader(candidates);
                List<Integer> marks =
                        candidates.stream().map(ChildJvm::lineCount).toList();
                leader.send("RESIGN");
                long resignedAt = Agents.await(leader, marks.get(candidates.indexOf(leader)), "RESIGNING", Agents.TOLD);
                long told = 0;
                for (int i = 0; i < candidates.size(); i++) {
                    told = Math.max(told, toldOfAnother(candidates.get(i), marks.get(i), leader));
                }
                handOver.add(told - resignedAt);
                leader.awaitLine(marks.get(candidates.indexOf(leader)), "RENOMINATED"::equals, Agents.TOLD);
            }
            results.addDistribution("election", "graceful hand-over", target.name(), handOver);
        }
    }

    /** When the candidate was told of a leader other than {@code old}, from line {@code from} on. */
    private static long toldOfAnother(ChildJvm c, int from, ChildJvm old) throws InterruptedException {
        return Agents.nanos(c.awaitLine(
                from,
                l -> l.startsWith("LEADER candidate-") && !l.startsWith("LEADER " + old.name() + " "),
                Agents.TOLD));
    }

    /** The candidate every candidate names as leader in its last LEADER line; waits until they agree. */
    private static ChildJvm leader(List<ChildJvm> candidates) throws InterruptedException {
        long deadline = System.nanoTime() + Agents.TOLD.toNanos();
        while (System.nanoTime() < deadline) {
            String agreed = null;
            boolean agree = true;
            for (ChildJvm c : candidates) {
                String last = lastLeader(c);
                if (last == null || last.equals("-") || agreed != null && !agreed.equals(last)) {
                    agree = false;
                    break;
                }
                agreed = last;
            }
            if (agree && agreed != null) {
                for (ChildJvm c : candidates) {
                    if (c.name().equals(agreed)) {
                        return c;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the candidates do not agree on a live leader");
    }

    private static String lastLeader(ChildJvm c) {
        String last = null;
        for (String line : c.lines()) {
            if (line.startsWith("LEADER ")) {
                last = line.split(" ")[1];
            }
        }
        return last;
    }
}
