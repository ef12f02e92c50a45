package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/**
 * Pure logic of the session-following wrapper: a call that meets a service closed under it because the session
 * was replaced fails as "unavailable", never with the closed service's {@link IllegalStateException}.
 */
class ReconnectingTest {
    /** A service that refuses calls once closed, as the plain clients do. */
    static final class Service implements AutoCloseable {
        volatile boolean closed;

        String hello() {
            if (closed) {
                throw new IllegalStateException("this client is closed");
            }
            return "hello";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final Reconnecting<Service> reconnecting =
            new Reconnecting<>("test service", new ServiceMonitor("Test", "reconnecting"), c -> new Service());

    @Test
    void aCallThatMeetsAServiceClosedByASessionReplacementIsUnavailable() {
        reconnecting.connect(CassandraConnection.of(null, null));
        assertEquals("hello", reconnecting.call(Service::hello));
        StoreUnavailableException e = assertThrows(
                StoreUnavailableException.class,
                () -> reconnecting.call(s -> {
                    reconnecting.connect(CassandraConnection.of(null, null)); // replaced while the call runs
                    return s.hello();
                }));
        assertEquals(IllegalStateException.class, e.getCause().getClass());
        assertEquals("hello", reconnecting.call(Service::hello));
        reconnecting.close();
    }

    @Test
    void aServiceClosedForAnotherReasonStillSaysSo() {
        reconnecting.connect(CassandraConnection.of(null, null));
        assertThrows(
                IllegalStateException.class,
                () -> reconnecting.call(s -> {
                    s.close(); // closed by its owner, not replaced: a programming error, reported as such
                    return s.hello();
                }));
        reconnecting.close();
    }

    /** A bind that DS delivers after the component's deactivation must not bring a closed service back. */
    @Test
    void aConnectionHandedOverAfterCloseBuildsNothing() {
        reconnecting.close();
        assertNull(reconnecting.connect(CassandraConnection.of(null, null)).current());
        assertThrows(StoreUnavailableException.class, () -> reconnecting.call(Service::hello));
    }

    @Test
    void betweenSessionsCallsAreUnavailableAtOnce() {
        assertThrows(StoreUnavailableException.class, () -> reconnecting.call(Service::hello));
        reconnecting.close();
    }
}
