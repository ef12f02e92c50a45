package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Workload 3: a write in this process until a value listener fires in another. Writes are spaced at random so
 * that they fall anywhere in a polling period. Then a few writes each after a quiet spell: kafka-cassandra's change
 * feed is read less often after 5 s without changes, so the first change after a quiet spell is told later.
 */
final class NotificationBenchmark {
    private static final String KEY = "/notify/key";
    /** Longer than the change feed's active spell (ChangeFeedReader.ACTIVE_MILLIS, 5 s). */
    private static final long QUIET_MILLIS = 6_000;

    private NotificationBenchmark() {}

    static void run(Target target, Results results, Path logs, int trials) throws Exception {
        Random random = new Random(7);
        try (Coordination c = Coordination.open(target.spec());
                Agents agents = new Agents(target, logs)) {
            c.put(KEY, "v0");
            ChildJvm listener = agents.start("listener", "listener", KEY);
            listener.awaitLine(0, l -> l.startsWith("CHANGED v0 "), Agents.TOLD);
            List<Long> latencies = new ArrayList<>();
            for (int i = 1; i <= trials; i++) {
                Thread.sleep(100 + random.nextInt(400));
                int mark = listener.lineCount();
                long writtenAt = System.nanoTime();
                c.update(KEY, "v" + i);
                String value = "CHANGED v" + i + " ";
                latencies.add(Agents.await(listener, mark, value, Agents.TOLD) - writtenAt);
            }
            results.addDistribution("notification", "write to listener", target.name(), latencies);
            List<Long> afterQuiet = new ArrayList<>();
            for (int i = 1; i <= trials / 6; i++) { // none in a smoke run: each costs 6 s
                Thread.sleep(QUIET_MILLIS + random.nextInt(100));
                int mark = listener.lineCount();
                long writtenAt = System.nanoTime();
                c.update(KEY, "q" + i);
                afterQuiet.add(Agents.await(listener, mark, "CHANGED q" + i + " ", Agents.TOLD) - writtenAt);
            }
            if (!afterQuiet.isEmpty()) {
                results.addDistribution(
                        "notification", "write to listener after 6 s of quiet", target.name(), afterQuiet);
            }
        }
    }
}
