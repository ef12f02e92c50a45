package io.kafkacassandra.session.internal;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.monitoring.JmxRegistration;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.function.Function;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * Holds the service built on the current {@link CassandraConnection} and swaps it when the connection is
 * replaced (a configuration change in OSGi), so that a client holding the service object keeps working. Between
 * two connections, calls fail at once with {@link StoreUnavailableException} rather than wait.
 *
 * @param <T> the plain service built on one connection
 */
public final class Reconnecting<T extends AutoCloseable> {
    private final String what;
    private final ServiceMonitor monitor;
    private final JmxRegistration jmx;
    private final Function<CassandraConnection, T> factory;
    private CassandraConnection connection; // guarded by this
    private volatile T current; // written under this, read without: every call of the service reads it
    private boolean closed; // guarded by this

    /**
     * @param monitor the metrics and health of the service, kept across connections and published on JMX until
     *                {@link #close()}; {@code factory} hands it to each service it builds
     */
    public Reconnecting(String what, ServiceMonitor monitor, Function<CassandraConnection, T> factory) {
        this.what = what;
        this.monitor = monitor;
        this.factory = factory;
        monitor.awaitingSession();
        this.jmx = JmxRegistration.register(monitor);
    }

    public ServiceMonitor monitor() {
        return monitor;
    }

    /**
     * Builds the service on a new connection and closes the one built on the previous connection. After
     * {@link #close()} it builds nothing: a container may deliver a bind that was under way when it closed.
     *
     * @return the service on the new connection, null once closed
     */
    public synchronized Swap<T> connect(CassandraConnection next) {
        if (closed) {
            return new Swap<>(null);
        }
        closeQuietly(current);
        current = null;
        connection = null;
        monitor.awaitingSession();
        T built = factory.apply(next);
        connection = next;
        current = built;
        monitor.connected(next.session());
        return new Swap<>(built);
    }

    /** Drops the service if it was built on {@code gone}; a newer connection is kept. */
    public synchronized boolean disconnect(CassandraConnection gone) {
        if (connection != gone) {
            return false;
        }
        closeQuietly(current);
        current = null;
        connection = null;
        monitor.awaitingSession();
        return true;
    }

    /** The service on the current connection. */
    public T get() {
        T service = current;
        if (service == null) {
            throw new StoreUnavailableException(
                    what + " is unavailable: " + monitor.health().reason());
        }
        return service;
    }

    /**
     * Runs {@code call} on the current service. A service closed under the call because its session was being
     * replaced refuses with {@link IllegalStateException} before it sends anything; that is reported as
     * {@link StoreUnavailableException}, as for a call made between two sessions.
     */
    public <R> R call(Function<T, R> call) {
        T service = get();
        try {
            return call.apply(service);
        } catch (IllegalStateException e) {
            if (current == service) {
                throw e;
            }
            throw new StoreUnavailableException(
                    what + " is unavailable: its session was replaced during the call;" + " nothing was changed", e);
        }
    }

    /** {@link #call} for a call without a result. */
    public void run(java.util.function.Consumer<T> call) {
        call(service -> {
            call.accept(service);
            return null;
        });
    }

    public boolean isConnected() {
        return current != null;
    }

    public synchronized void close() {
        closed = true;
        closeQuietly(current);
        current = null;
        connection = null;
        monitor.disconnected("closed");
        jmx.close();
    }

    /** The outcome of {@link #connect}: the service built, null if closed. */
    public record Swap<T>(T current) {}

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(Reconnecting.class).warn("closing {} failed", closeable, e);
        }
    }
}
