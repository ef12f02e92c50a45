package io.kafkacassandra.session.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.management.MBeanServer;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/** Pure logic: what a monitor counts and what health it reports (no session: node states are not consulted). */
class ServiceMonitorTest {
    @Test
    void healthFollowsTheLastOutcome() {
        ServiceMonitor monitor = new ServiceMonitor("Storage", "health-test");
        assertEquals(Health.Status.UNAVAILABLE, monitor.health().status());
        assertTrue(
                monitor.health().reason().contains("not connected"),
                monitor.health().reason());

        monitor.connected(null);
        assertEquals(new Health(Health.Status.CONNECTED, "connected, no request made yet"), monitor.health());

        assertThrows(
                StoreUnavailableException.class,
                () -> monitor.run("put", () -> {
                    throw new StoreUnavailableException("no node answered");
                }));
        Health down = monitor.health();
        assertEquals(Health.Status.UNAVAILABLE, down.status());
        assertTrue(
                down.reason().startsWith("put failed ") && down.reason().endsWith(": no node answered"), down.reason());

        assertThrows(
                KeyExistsException.class,
                () -> monitor.run("put", () -> {
                    throw new KeyExistsException("/a");
                }));
        Health recovered = monitor.health();
        assertEquals(Health.Status.DEGRADED, recovered.status(), "Cassandra answered, but failed a moment ago");
        assertTrue(recovered.reason().startsWith("works again; put failed"), recovered.reason());

        assertThrows(
                IllegalArgumentException.class,
                () -> monitor.run("put", () -> {
                    throw new IllegalArgumentException("key must start with '/'");
                }));
        assertEquals(
                Health.Status.DEGRADED, monitor.health().status(), "a refused argument says nothing about Cassandra");

        monitor.disconnected("closed");
        assertEquals(new Health(Health.Status.UNAVAILABLE, "closed"), monitor.health());
    }

    @Test
    void callsFailuresAndBackgroundWorkAreCounted() {
        ServiceMonitor monitor = new ServiceMonitor("LeaderElection", "count-test");
        monitor.connected(null);
        assertEquals("x", monitor.call("nominate", () -> "x"));
        assertThrows(
                StoreUnavailableException.class,
                () -> monitor.call("nominate", () -> {
                    throw new StoreUnavailableException("timeout");
                }));
        monitor.run("resign", () -> {});
        assertEquals(Map.of("nominate", 2L, "resign", 1L), monitor.getCalls());
        assertEquals(Map.of("nominate", 1L), monitor.getFailedCalls());
        assertEquals(
                Map.of("nominate", 2L, "resign", 1L).keySet(),
                monitor.getCallLatencyP99Millis().keySet());

        monitor.renewals().succeeded(1_000_000);
        monitor.renewals().succeeded(2_000_000);
        monitor.renewals().failed(new StoreUnavailableException("renewal timed out"));
        assertEquals(3, monitor.getLeaseRenewals() + monitor.getLeaseRenewalFailures());
        assertEquals(1, monitor.getLeaseRenewalFailures());
        assertTrue(
                monitor.health().reason().startsWith("lease renewal failed"),
                monitor.health().reason());

        assertEquals(-1, monitor.getMillisSinceLastPoll());
        monitor.polls().succeeded(3_000_000);
        assertEquals(1, monitor.getPolls());
        assertTrue(monitor.getMillisSinceLastPoll() >= 0);
        assertEquals(3.0, monitor.getPollLatencyP99Millis(), 0.01);

        monitor.listenerCallbacks().succeeded(10);
        monitor.listenerCallbacks().failed(new RuntimeException("listener bug"));
        assertEquals(2, monitor.getListenerCallbacks());
        assertEquals(1, monitor.getListenerErrors());
        ServiceMonitor other = new ServiceMonitor("ListenerRegistry", "count-test");
        other.connected(null);
        other.listenerCallbacks().failed(new RuntimeException("listener bug"));
        assertEquals(Health.Status.CONNECTED, other.health().status(), "a failing listener is not Cassandra's fault");

        assertEquals(-1, monitor.getMillisToLeaseDeadline());
        monitor.leaseDeadline(() -> 640);
        assertEquals(640, monitor.getMillisToLeaseDeadline());
        monitor.unknownOutcome();
        assertEquals(1, monitor.getUnknownOutcomeWrites());
    }

    @Test
    void asynchronousCallsAreTimedWhenTheyComplete() {
        ServiceMonitor monitor = new ServiceMonitor("Storage", "async-test");
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> seen = monitor.callAsync("fetch", () -> pending);
        assertEquals(Map.of(), monitor.getCalls(), "not counted before it completes");
        pending.completeExceptionally(new CompletionException(new StoreUnavailableException("read timed out")));
        assertTrue(seen.isCompletedExceptionally());
        assertEquals(Map.of("fetch", 1L), monitor.getCalls());
        assertEquals(Map.of("fetch", 1L), monitor.getFailedCalls());
    }

    @Test
    @SuppressWarnings("try") // first is closed inside the block on purpose: closing one leaves the other
    void twoMonitorsOfOneNameGetTwoMBeansAndCloseRemovesThem() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (JmxRegistration first =
                        JmxRegistration.register(new ServiceMonitor("GroupMembership", "brokers, \"eu\"=1"));
                JmxRegistration second =
                        JmxRegistration.register(new ServiceMonitor("GroupMembership", "brokers, \"eu\"=1"))) {
            assertEquals(
                    "io.kafkacassandra:type=GroupMembership,name=\"brokers, \\\"eu\\\"=1\"",
                    first.objectName().toString());
            assertNotEquals(first.objectName(), second.objectName());
            assertEquals("2", second.objectName().getKeyProperty("instance"));
            assertEquals("UNAVAILABLE", server.getAttribute(first.objectName(), "Status"));
            first.close();
            assertFalse(server.isRegistered(first.objectName()));
            assertTrue(server.isRegistered(second.objectName()));
        }
    }
}
