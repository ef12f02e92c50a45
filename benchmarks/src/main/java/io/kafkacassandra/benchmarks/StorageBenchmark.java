package io.kafkacassandra.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;
import org.apache.kafka.plugin.interfaces.Storage;

/**
 * Workload 1: latency and throughput of put (create), update, compareAndSet (at the version the caller wrote last),
 * fetch (linearizable: after a sync on ZooKeeper) and,
 * where a server answers from its own copy, getData (no sync) at 1, 8 and 32 concurrent callers
 * sharing one client, as broker threads share one. Each cell runs for a fixed time after a short warm-up. Where the
 * system has a floor to show under its writes (kafka-cassandra: one bare lightweight transaction on one row, through
 * a session configured as the service's), it is measured in the same cell as "bare LWT update": each caller's row a
 * partition of its own, and "bare LWT update, one partition": the callers' rows in one partition, as the keys of one
 * namespace are. The put cell creates its keys in a namespace of their own: the keys the other cells write stay a
 * partition of 1-32 rows, not one beside the tens of thousands of rows the put cell left (an earlier run measured the
 * update that followed the put cell slower at 8 callers; a cell of its own would tell by how much). "update without
 * its hint (experiment)" is kafka-cassandra's update on a keyspace without the change feed's table, at 1 and 8
 * callers: the same call without the hint every write announces (on a session and keyspace of its own, run after
 * the update cell, so the comparison holds order effects too).
 */
final class StorageBenchmark {
    private static final int[] CONCURRENCY = {1, 8, 32};

    private StorageBenchmark() {}

    interface Call {
        void run(int thread, long i) throws Exception;
    }

    static void run(Target target, Results results, Duration cell) throws Exception {
        try (Coordination c = Coordination.open(target.spec())) {
            warmUp(c, cell.dividedBy(2));
            for (int threads : CONCURRENCY) {
                String base = "/storage/c" + threads;
                createUpdateKeys(threads, base, c::put);
                measure(
                        results,
                        target,
                        "put",
                        threads,
                        cell,
                        (t, i) -> c.put(base + "/created/p" + t + "-" + i, "v" + i));
                measure(results, target, "update", threads, cell, (t, i) -> c.update(base + "/u" + t, "v" + i));
                Storage unannounced = c.storageWithoutHints();
                if (unannounced != null && threads <= 8) {
                    createUpdateKeys(threads, base, unannounced::put);
                    measure(
                            results,
                            target,
                            "update without its hint (experiment)",
                            threads,
                            cell,
                            (t, i) -> unannounced.update(base + "/u" + t, "v" + i));
                }
                long[] versions = new long[threads]; // each caller compares and sets its own key only
                for (int t = 0; t < threads; t++) {
                    versions[t] = c.version(base + "/u" + t);
                }
                measure(
                        results,
                        target,
                        "compareAndSet",
                        threads,
                        cell,
                        (t, i) -> compareAndSet(c, base + "/u" + t, versions, t, "c" + i));
                Coordination.BareConditionalUpdates bare = c.bareConditionalUpdates();
                if (bare != null) {
                    for (boolean onePartition : new boolean[] {false, true}) {
                        long[] counters = new long[threads]; // each caller reads and writes its own row only
                        for (int t = 0; t < threads; t++) {
                            bare.reset(base + "/bare" + t, onePartition);
                        }
                        String op = onePartition ? "bare LWT update, one partition" : "bare LWT update";
                        measure(
                                results,
                                target,
                                op,
                                threads,
                                cell,
                                (t, i) -> bareUpdate(bare, base + "/bare" + t, counters, t, onePartition));
                    }
                }
                measure(results, target, "fetch", threads, cell, (t, i) -> c.fetch(base + "/u" + t));
                if (c.readsLocally()) {
                    measure(results, target, "getData", threads, cell, (t, i) -> c.read(base + "/u" + t));
                }
            }
        }
    }

    interface Put {
        void put(String key, String value) throws Exception;
    }

    /** The keys the update and compare-and-set cells write: one per caller, {@code base/u<t>}. */
    private static void createUpdateKeys(int threads, String base, Put put) throws Exception {
        for (int t = 0; t < threads; t++) {
            put.put(base + "/u" + t, "initial");
        }
    }

    /**
     * Runs each operation unmeasured, one caller, for {@code each} before the first measured cell. In a fresh client
     * and server the JIT compiles for seconds, and the operation measured first paid for it: the put, measured at
     * twice the update that followed it, cost a little more than the update once both were warm.
     */
    private static void warmUp(Coordination c, Duration each) throws Exception {
        String base = "/storage/warm";
        c.put(base + "/u", "initial");
        Recorder ignored = new Recorder(3);
        run(1, each, (t, i) -> c.put(base + "/created/p" + i, "v"), ignored, 0);
        run(1, each, (t, i) -> c.update(base + "/u", "v" + i), ignored, 0);
        long[] version = {c.version(base + "/u")};
        run(1, each, (t, i) -> compareAndSet(c, base + "/u", version, 0, "c" + i), ignored, 0);
        run(1, each, (t, i) -> c.fetch(base + "/u"), ignored, 0);
        Storage unannounced = c.storageWithoutHints();
        if (unannounced != null) {
            unannounced.put(base + "/u", "initial");
            run(1, each, (t, i) -> unannounced.update(base + "/u", "v" + i), ignored, 0);
        }
        Coordination.BareConditionalUpdates bare = c.bareConditionalUpdates();
        if (bare != null) {
            for (boolean onePartition : new boolean[] {false, true}) {
                String key = base + "/bare";
                bare.reset(key, onePartition);
                long[] counter = {0};
                run(1, each, (t, i) -> bareUpdate(bare, key, counter, 0, onePartition), ignored, 0);
            }
        }
    }

    /**
     * Caller {@code t}'s compare-and-set of its own key at the version it wrote last. A refusal or a failure (an
     * outcome unknown) reads the version again before it throws, as a client would before its next try.
     */
    private static void compareAndSet(Coordination c, String key, long[] versions, int t, String value)
            throws Exception {
        long expected = versions[t];
        OptionalLong written;
        try {
            written = c.compareAndSet(key, expected, value);
        } catch (Exception e) {
            versions[t] = c.version(key);
            throw e;
        }
        if (written.isEmpty()) {
            versions[t] = c.version(key);
            throw new IllegalStateException(key + " was not at version " + expected + ", its only writer's last");
        }
        versions[t] = written.getAsLong();
    }

    /**
     * Raises caller {@code t}'s counter by one with a bare LWT. A failed update may have applied (a timeout): the
     * counter is read again before the failure is thrown, or every later call of that caller would be refused.
     */
    private static void bareUpdate(
            Coordination.BareConditionalUpdates bare, String key, long[] counters, int t, boolean onePartition) {
        try {
            bare.update(key, counters[t], onePartition);
            counters[t]++;
        } catch (RuntimeException e) {
            try {
                counters[t] = bare.current(key, onePartition);
            } catch (RuntimeException again) {
                e.addSuppressed(again); // read again after the next failure
            }
            throw e;
        }
    }

    private static void measure(Results results, Target target, String op, int threads, Duration cell, Call call)
            throws InterruptedException {
        run(threads, Duration.ofMillis(Math.min(1_000, cell.toMillis() / 4)), call, new Recorder(3), 0); // warm-up
        Recorder recorder = new Recorder(3);
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long ops = run(threads, cell, call, recorder, Long.MAX_VALUE / 2, failures, firstFailure);
        var h = recorder.getIntervalHistogram();
        String w = "storage";
        String at = " @" + threads;
        results.add(w, op + at + " p50 (ms)", Results.Better.LOWER, target.name(), h.getValueAtPercentile(50) / 1e6);
        results.add(w, op + at + " p99 (ms)", Results.Better.LOWER, target.name(), h.getValueAtPercentile(99) / 1e6);
        results.add(
                w, op + at + " throughput (ops/s)", Results.Better.HIGHER, target.name(), ops / (cell.toNanos() / 1e9));
        if (failures.get() > 0) {
            results.add(w, op + at + " failed calls", Results.Better.LOWER, target.name(), failures.get());
            results.note(target.name() + ", " + op + at + ": " + failures.get() + " calls failed (not counted in the"
                    + " latency and throughput figures); the first: " + firstFailure.get());
        }
    }

    private static long run(int threads, Duration length, Call call, Recorder recorder, long offset)
            throws InterruptedException {
        return run(threads, length, call, recorder, offset, new AtomicLong(), new AtomicReference<>());
    }

    /** Runs {@code threads} callers for {@code length}; returns the calls that succeeded. */
    private static long run(
            int threads,
            Duration length,
            Call call,
            Recorder recorder,
            long offset,
            AtomicLong failures,
            AtomicReference<Exception> firstFailure)
            throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        AtomicLong done = new AtomicLong();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread caller = new Thread(
                    () -> {
                        for (long i = offset; System.nanoTime() < end; i++) {
                            long start = System.nanoTime();
                            try {
                                call.run(thread, i);
                                recorder.recordValue(System.nanoTime() - start);
                                done.incrementAndGet();
                            } catch (Exception e) {
                                failures.incrementAndGet();
                                firstFailure.compareAndSet(null, e);
                            }
                        }
                    },
                    "caller-" + t);
            caller.start();
            callers.add(caller);
        }
        for (Thread caller : callers) {
            caller.join();
        }
        return done.get();
    }
}
