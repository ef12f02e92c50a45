package io.kafkacassandra.itests.kafka;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds; a condition that throws counts as not yet holding until the deadline. */
final class Await {
    private Await() {}

    static void until(Duration timeout, String what, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("no " + what + " within " + timeout);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            Thread.sleep(250);
        }
    }

    /** Checks the condition every 250 ms for {@code period}; fails at the first time it does not hold. */
    static void holdsFor(Duration period, String what, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            if (!condition.call()) {
                throw new AssertionError("no longer " + what);
            }
            Thread.sleep(250);
        }
    }
}
