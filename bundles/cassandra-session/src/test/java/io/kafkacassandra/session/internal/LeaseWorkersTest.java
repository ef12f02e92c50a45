package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kafkacassandra.session.CassandraSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseWorkersTest {
    @Test
    void leasesAreRenewedAtLeastThreeTimesPerValidity() {
        CassandraSettings shortLease =
                CassandraSettings.builder().leaseTtl(Duration.ofSeconds(2)).build(); // 800 ms
        assertEquals(Duration.ofNanos(Duration.ofMillis(800).toNanos() / 3), LeaseWorkers.renewInterval(shortLease));
        CassandraSettings defaults = CassandraSettings.builder().build(); // validity 3.8 s: the renew period
        assertEquals(Duration.ofMillis(500), LeaseWorkers.renewInterval(defaults));
        CassandraSettings often =
                CassandraSettings.builder().renewPeriod(Duration.ofMillis(100)).build();
        assertEquals(Duration.ofMillis(100), LeaseWorkers.renewInterval(often));
    }

    /** A renewal or poll that throws something unexpected runs again at its next period, and is counted. */
    @Test
    void aTaskThatThrowsRunsAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger renewals = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        CassandraSettings settings = CassandraSettings.builder()
                .renewPeriod(Duration.ofMillis(20))
                .pollPeriod(Duration.ofMillis(20))
                .build();
        LeaseWorkers workers = new LeaseWorkers(
                "test",
                "throwing",
                settings,
                () -> {
                    if (renewals.incrementAndGet() == 1) {
                        throw new NullPointerException("a bug in a renewal");
                    }
                },
                () -> {
                    if (polls.incrementAndGet() == 1) {
                        throw new IllegalStateException("a bug in a poll");
                    }
                },
                new io.kafkacassandra.session.monitoring.ServiceMonitor("Test", "lease-workers").listenerCallbacks());
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (renewals.get() < 3 || polls.get() < 3) {
                org.junit.jupiter.api.Assertions.assertTrue(
                        System.nanoTime() < deadline, "renewals " + renewals + ", polls " + polls);
                Thread.sleep(10);
            }
        } finally {
            workers.stopScheduling();
            workers.notifier().close();
        }
    }

    @Test
    void aSurvivingTaskCountsItsFailures() {
        SurvivingTask task = new SurvivingTask("test", () -> {
            throw new IllegalArgumentException("boom");
        });
        task.run();
        task.run();
        assertEquals(2, task.failures());
    }
}
