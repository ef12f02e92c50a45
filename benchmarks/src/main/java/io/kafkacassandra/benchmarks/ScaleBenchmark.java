package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Workload 5: one client process watches 10,000 keys across 100 namespaces through 1,000 listeners (ten keys
 * each; the smoke run watches a tenth of that). Measured: what the servers receive per second while nothing
 * changes; the watching process's CPU while idle, in its first minute (start-up and the JIT compiling its periodic
 * work included) and once the JIT has mostly settled (five minutes after its start, over 30 s: at tens of requests a second, the
 * driver's code paths take minutes to reach the JIT's thresholds); its heap after a full GC; and the notification
 * latency of writes to random keys.
 */
final class ScaleBenchmark {
    static final int KEYS_PER_NAMESPACE = 100;
    /** Listeners per namespace: each watches ten keys. */
    static final int LISTENERS_PER_NAMESPACE = 10;

    private ScaleBenchmark() {}

    static String key(int index, int keysPerNamespace) {
        return "/scale/n" + index / keysPerNamespace + "/k" + index % keysPerNamespace;
    }

    static void run(
            Target target,
            Results results,
            Path logs,
            int namespaces,
            int updates,
            Duration firstMinute,
            Duration warmUp,
            Duration idle)
            throws Exception {
        int keys = namespaces * KEYS_PER_NAMESPACE;
        String name = target.name();
        try (Coordination c = Coordination.open(target.spec());
                Agents agents = new Agents(target, logs)) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<?>> creating = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                String key = key(k, KEYS_PER_NAMESPACE);
                creating.add(pool.submit(() -> {
                    c.put(key, "initial");
                    return null;
                }));
            }
            for (Future<?> f : creating) {
                f.get();
            }
            pool.shutdown();
            ChildJvm watcher = agents.start(
                    "scale-watcher",
                    "scale",
                    Integer.toString(namespaces),
                    Integer.toString(KEYS_PER_NAMESPACE),
                    Integer.toString(namespaces * LISTENERS_PER_NAMESPACE));
            long[] started = stats(watcher);
            long startedAt = System.nanoTime();
            Thread.sleep(firstMinute.toMillis());
            long[] firstMinuteEnd = stats(watcher);
            results.add(
                    "scale",
                    "watcher CPU in its first minute (% of one core)",
                    Results.Better.LOWER,
                    name,
                    (firstMinuteEnd[0] - started[0]) / 1e9 / ((System.nanoTime() - startedAt) / 1e9) * 100);
            // The steady state: the JIT has compiled the watcher's periodic work (polls, feed reads).
            Thread.sleep(Math.max(0, warmUp.minus(firstMinute).toMillis()));
            long[] before = stats(watcher);
            long requestsBefore = target.serverRequests();
            long idleStart = System.nanoTime();
            Thread.sleep(idle.toMillis());
            long requestsAfter = target.serverRequests();
            long[] after = stats(watcher);
            double seconds = (System.nanoTime() - idleStart) / 1e9;
            results.add(
                    "scale",
                    "server requests/s while idle",
                    Results.Better.LOWER,
                    name,
                    (requestsAfter - requestsBefore) / seconds);
            results.add(
                    "scale",
                    "watcher CPU while idle, 5 min after start (% of one core)",
                    Results.Better.LOWER,
                    name,
                    (after[0] - before[0]) / 1e9 / seconds * 100);

            Random random = new Random(11);
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < updates; i++) {
                Thread.sleep(50 + random.nextInt(100));
                String key = key(random.nextInt(keys), KEYS_PER_NAMESPACE);
                int mark = watcher.lineCount();
                long writtenAt = System.nanoTime();
                c.update(key, "u" + i);
                latencies.add(Agents.await(watcher, mark, "CHANGED " + key + " u" + i + " ", Agents.TOLD) - writtenAt);
            }
            results.addDistribution("scale", "notification", name, latencies);
            results.add(
                    "scale",
                    "watcher heap after full GC (MB)",
                    Results.Better.LOWER,
                    name,
                    stats(watcher)[1] / 1048576.0);
        }
    }

    /** CPU nanos and heap bytes of the watcher, as it reports them. */
    private static long[] stats(ChildJvm watcher) throws InterruptedException {
        int mark = watcher.lineCount();
        watcher.send("STATS");
        String[] f = watcher.awaitLine(mark, l -> l.startsWith("STATS "), Agents.TOLD)
                .split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }
}
