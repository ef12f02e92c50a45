package io.kafkacassandra.session;

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
    private final Function<CassandraConnection, T> factory;
    private CassandraConnection connection; // guarded by this
    private volatile T current; // written under this, read without: every call of the service reads it

    public Reconnecting(String what, Function<CassandraConnection, T> factory) {
        this.what = what;
        this.factory = factory;
    }

    /**
     * Builds the service on a new connection and closes the one built on the previous connection.
     *
     * @return the service on the new connection, and the one it replaced (already closed), if any
     */
    public synchronized Swap<T> connect(CassandraConnection next) {
        T previous = current;
        closeQuietly(previous);
        current = null;
        connection = null;
        T built = factory.apply(next);
        connection = next;
        current = built;
        return new Swap<>(built, previous);
    }

    /** Drops the service if it was built on {@code gone}; a newer connection is kept. */
    public synchronized boolean disconnect(CassandraConnection gone) {
        if (connection != gone) {
            return false;
        }
        closeQuietly(current);
        current = null;
        connection = null;
        return true;
    }

    /** The service on the current connection. */
    public T get() {
        T service = current;
        if (service == null) {
            throw new StoreUnavailableException(what + " is unavailable: no Cassandra session is configured right now"
                    + " (it is being opened or replaced, or its configuration is wrong: see the log)");
        }
        return service;
    }

    public boolean isConnected() {
        return current != null;
    }

    public synchronized void close() {
        closeQuietly(current);
        current = null;
        connection = null;
    }

    /** The outcome of {@link #connect}. */
    public record Swap<T>(T current, T previous) {
    }

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
