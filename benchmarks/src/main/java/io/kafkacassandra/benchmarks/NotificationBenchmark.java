package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Workload 3: a write in this process until a value listener fires in another. Writes are spaced at random so
 * that they fall anywhere in a polling period.
 */
final class NotificationBenchmark {
    private static final String KEY = "/notify/key";

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
        }
    }
}
