package io.kafkacassandra.benchmarks;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the benchmarks ask of a coordination service, so that kafka-cassandra and ZooKeeper + Curator run the
 * same workloads. Keys are absolute paths; listeners may be called on any thread.
 */
interface Coordination extends AutoCloseable {
    /** Creates the key; fails if it exists. */
    void put(String key, String value) throws Exception;

    /** Replaces the value of an existing key. */
    void update(String key, String value) throws Exception;

    /**
     * Sets the key's value if its version is {@code expected}, as a client that read the key does; returns the
     * version written, or empty if the key was at another version.
     */
    OptionalLong compareAndSet(String key, long expected, String value) throws Exception;

    /** The key's version, read linearizably (where a write whose outcome is unknown left it). */
    long version(String key) throws Exception;

    /** A linearizable read where the service offers one (the value as of the call). */
    Optional<String> fetch(String key) throws Exception;

    /**
     * A read answered from the server's own copy without a round of agreement, which may be stale (ZooKeeper's
     * getData without sync); empty if the service has no such read, or if the key does not exist.
     */
    default Optional<String> read(String key) throws Exception {
        throw new UnsupportedOperationException("no local read");
    }

    /** Whether {@link #read} is offered. */
    default boolean readsLocally() {
        return false;
    }

    /** Calls back with each new value of the key. */
    void watch(String key, Consumer<Optional<String>> listener) throws Exception;

    /**
     * An experiment that prices kafka-cassandra's change-feed hint: the same storage, on a keyspace of its own without
     * the feed's table, so that its writes announce nothing; null elsewhere.
     */
    default org.apache.kafka.plugin.interfaces.Storage storageWithoutHints() {
        return null;
    }

    /** The floor under this system's conditional writes, where it has one to show; null where not. */
    default BareConditionalUpdates bareConditionalUpdates() {
        return null;
    }

    /**
     * Bare conditional updates of a counter per key: each key a partition of its own, or every key a row of one
     * shared partition (as a namespace's keys are in the storage), to tell Paxos contention from the rest.
     */
    interface BareConditionalUpdates extends AutoCloseable {
        /** Sets the key's counter to 0, unconditionally. */
        void reset(String key, boolean onePartition);

        /** Raises the key's counter from {@code expected} to {@code expected + 1}; throws if it was elsewhere. */
        void update(String key, long expected, boolean onePartition);

        /** The key's counter, read linearizably: where an update whose outcome is unknown left it. */
        long current(String key, boolean onePartition);

        @Override
        void close();
    }

    /** Runs for leader of the service; {@link #resign} withdraws. */
    void nominate(String service, String id) throws Exception;

    void resign(String service, String id) throws Exception;

    /** Calls back with the leader each time it changes. */
    void observeLeader(String service, Consumer<Optional<String>> listener) throws Exception;

    void join(String group, String id) throws Exception;

    void leave(String group, String id) throws Exception;

    /** Calls back with the member ids each time they change. */
    void observeGroup(String group, Consumer<Set<String>> listener) throws Exception;

    @Override
    void close();

    /** Opens a client from a spec: {@code cassandra:<plugin.properties>} or {@code zookeeper:<connect string>}. */
    static Coordination open(String spec) throws Exception {
        int colon = spec.indexOf(':');
        String kind = spec.substring(0, colon);
        String where = spec.substring(colon + 1);
        return switch (kind) {
            case "cassandra" -> new CassandraCoordination(where);
            case "zookeeper" -> new CuratorCoordination(where);
            default -> throw new IllegalArgumentException("unknown system " + kind);
        };
    }
}
