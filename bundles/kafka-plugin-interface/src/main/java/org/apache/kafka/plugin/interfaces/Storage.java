package org.apache.kafka.plugin.interfaces;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Interface to a (persistent) key value storage. */
public interface Storage {
    /**
     * Get data by its key.
     *
     * @param key data ID in this storage
     * @return future result of the value (if exists) associated with the key
     */
    CompletableFuture<Optional<String>> fetch(String key);

    /**
     * Persist value with its associated key. The contract is to throw an exception if such key already exists.
     *
     * @param key  data ID in this storage
     * @param data value associated with the key
     * @throws KeyExistsException if such key already exists
     */
    void put(String key, String data);

    /**
     * Update value by its associated key. The contract is to throw an exception if such key doesn't exist.
     *
     * @param key  data ID in this storage
     * @param data value associated with the key
     * @throws NoSuchKeyException if such key doesn't exist
     */
    void update(String key, String data);

    /**
     * Setup everything needed for concrete implementation.
     *
     * @param context implementation specific; see the implementation's documentation for what it accepts
     */
    void init(Object context);

    /** Release all acquired resources. */
    void close();
}
