package org.apache.kafka.plugin.interfaces;

import java.util.Optional;
import java.util.Set;

/** {@link Storage} with what Kafka needs beyond the KIP: deletes, versions, compare-and-set and children. */
public interface VersionedStorage extends Storage {
    /**
     * Reads the value and its version.
     *
     * @return empty when the key does not exist
     */
    Optional<Versioned> fetchVersioned(String key);

    /**
     * Deletes the key.
     *
     * @return true if this call deleted it, false if it did not exist
     */
    boolean delete(String key);

    /**
     * Replaces the value if, and only if, the key exists with {@code expectedVersion}.
     *
     * @return the new version, or empty (nothing changed) when the key is missing or has another version
     */
    Optional<Long> compareAndSet(String key, long expectedVersion, String data);

    /**
     * Deletes the key if, and only if, it exists with {@code expectedVersion}.
     *
     * @return true if this call deleted it
     */
    boolean compareAndDelete(String key, long expectedVersion);

    /**
     * The names of the keys directly below {@code namespace} (as ZooKeeper's getChildren): for the namespace
     * {@code /a/b}, the key {@code /a/b/c} gives {@code c}.
     */
    Set<String> children(String namespace);
}
