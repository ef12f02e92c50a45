package io.kafkacassandra.session;

/**
 * A service that works on whatever {@link CassandraConnection} is current and outlives each one: it is handed
 * every new connection and every connection that goes away, until it is closed. In OSGi its component feeds it
 * the registered {@link CassandraConnection}.
 */
public interface ConnectionFollower extends AutoCloseable {
    /** Moves onto {@code connection}; what was built on the previous connection is closed first. */
    void connect(CassandraConnection connection);

    /** Lets go of {@code connection} if it is the current one; a newer connection is kept. */
    void disconnect(CassandraConnection connection);

    /** Lets go of the current connection for good. */
    @Override
    void close();
}
