package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.ResultSet;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The lease recipe's rules, with scripted renewal answers in place of Cassandra (pure logic). */
class LeaseKeeperTest {
    // TTL 2 s: a lease is trusted for 800 ms after its write was sent, renewed every 266 ms.
    private final CassandraSettings settings =
            CassandraSettings.builder().leaseTtl(Duration.ofSeconds(2)).build();
    private final List<String> losses = new CopyOnWriteArrayList<>();
    private volatile Function<HeldLease<String>, CqlRunner.Attempt> answer = lease -> applied(true);
    private final java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
    private final LeaseKeeper<String> keeper = new LeaseKeeper<>(
            "test",
            "keeper",
            settings,
            new ServiceMonitor("Test", "keeper"),
            LoggerFactory.getLogger(LeaseKeeperTest.class),
            lease -> {
                rounds.incrementAndGet();
                return answer.apply(lease);
            },
            (lease, why) -> losses.add(lease.subject() + ": " + why),
            () -> {},
            () -> {});

    @AfterEach
    void close() {
        keeper.close(() -> {});
    }

    @Test
    void appliedRenewalsKeepTheLeaseBeyondItsFirstDeadline() throws Exception {
        keeper.start();
        long sentAt = keeper.clock().now();
        HeldLease<String> lease = keeper.hold("a", UUID.randomUUID(), sentAt);
        long twoValidities = sentAt + 2 * settings.leaseValidity().toNanos();
        waitFor(() -> !keeper.clock().isBefore(twoValidities) && rounds.get() >= 6);
        assertTrue(lease.isValid());
        assertEquals(List.of(), losses);
        assertTrue(keeper.millisToDeadline() > 0);
    }

    @Test
    void unansweredRenewalsLeaveTheDeadlineWhereItWasAndTheLeaseIsLostThereOnce() throws Exception {
        // "a" gets no answers; "b", renewed, shows that renewal rounds go on after a's loss
        answer = lease -> lease.subject().equals("a")
                ? new CqlRunner.Attempt(null, new IllegalStateException("write timeout"))
                : applied(true);
        keeper.start();
        long sentAt = keeper.clock().now();
        HeldLease<String> lease = keeper.hold("a", UUID.randomUUID(), sentAt);
        HeldLease<String> b = keeper.hold("b", UUID.randomUUID(), sentAt);
        waitFor(() -> !losses.isEmpty());
        long lostAfter = TimeUnit.NANOSECONDS.toMillis(keeper.clock().now() - sentAt);
        assertTrue(lostAfter >= settings.leaseValidity().toMillis(), "lost after " + lostAfter + " ms");
        assertFalse(lease.isValid());
        int after = rounds.get();
        waitFor(() -> rounds.get() >= after + 3); // three more rounds: a second loss would have come by now
        assertEquals(List.of("a: its lease was not renewed before the local deadline"), losses);
        keeper.release(b);
        assertEquals(-1, keeper.millisToDeadline());
    }

    @Test
    void aRefusedRenewalLosesTheLeaseBeforeItsDeadline() throws Exception {
        answer = lease -> applied(false);
        keeper.start();
        HeldLease<String> lease =
                keeper.hold("a", UUID.randomUUID(), keeper.clock().now());
        waitFor(() -> !losses.isEmpty());
        assertFalse(lease.isValid());
        assertEquals(List.of("a: its lease is no longer in Cassandra"), losses);
    }

    /** Leaving is not losing: a refusal of a renewal that was on its way when the lease was released says nothing. */
    @Test
    void aReleasedLeaseIsNeverReportedLost() throws Exception {
        keeper.start();
        long sentAt = keeper.clock().now();
        HeldLease<String> lease = keeper.hold("a", UUID.randomUUID(), sentAt);
        keeper.hold("ticker", UUID.randomUUID(), sentAt); // renewed: its rounds show time passing
        answer = l -> {
            if (l == lease) {
                keeper.release(lease); // released while its renewal is on its way, which Cassandra then refuses
                return applied(false);
            }
            return applied(true);
        };
        long deadline = sentAt + settings.leaseValidity().toNanos();
        waitFor(() -> !keeper.clock().isBefore(deadline));
        int after = rounds.get();
        waitFor(() -> rounds.get() >= after + 2); // past a's deadline, and two rounds after it
        assertFalse(lease.isValid());
        assertEquals(List.of(), losses);
    }

    /** A renewal that lands after the local deadline does not bring the lease back: a successor may be acting. */
    @Test
    void aLeasePastItsDeadlineIsNotExtended() {
        keeper.start();
        long longAgo = keeper.clock().now() - settings.leaseValidity().toNanos() - 1;
        HeldLease<String> lease = keeper.hold("a", UUID.randomUUID(), longAgo);
        assertFalse(lease.extend(keeper.clock().now()));
        assertFalse(lease.isValid());
    }

    /**
     * A lease already past its deadline when it is held (a join answered late) is lost on the timer, once the holder
     * has stored it: the loss handler, which runs under the holder's lock, finds it where it looks.
     */
    @Test
    void aLeaseHeldPastItsDeadlineIsLostAfterItsHolderStoredIt() throws Exception {
        Object serviceLock = new Object();
        java.util.concurrent.atomic.AtomicReference<HeldLease<String>> stored =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        LeaseKeeper<String> service = new LeaseKeeper<>(
                "test",
                "holder",
                settings,
                new ServiceMonitor("Test", "holder"),
                LoggerFactory.getLogger(LeaseKeeperTest.class),
                lease -> applied(true),
                (lease, why) -> {
                    synchronized (serviceLock) {
                        seen.add(stored.get() == lease ? "its own lease" : "a lease it does not hold yet");
                    }
                },
                () -> {},
                () -> {});
        try {
            service.start();
            long late = service.clock().now() - settings.leaseValidity().toNanos() - 1;
            synchronized (serviceLock) {
                stored.set(service.hold("a", UUID.randomUUID(), late));
            }
            waitFor(() -> !seen.isEmpty());
            assertEquals(List.of("its own lease"), seen);
        } finally {
            service.close(() -> {});
        }
    }

    @Test
    void holdingBeforeTheThreadsRunIsRefused() {
        try {
            keeper.hold("a", UUID.randomUUID(), keeper.clock().now());
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("hold() before start() was accepted");
    }

    private static CqlRunner.Attempt applied(boolean applied) {
        ResultSet result = (ResultSet) Proxy.newProxyInstance(
                ResultSet.class.getClassLoader(), new Class<?>[] {ResultSet.class}, (proxy, method, args) -> {
                    if (method.getName().equals("wasApplied")) {
                        return applied;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new CqlRunner.Attempt(result, null);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }
}
