package org.apache.kafka.plugin.interfaces;

import java.util.Objects;

/**
 * A value with its version. The version of a key grows by one with every change of the key (create, update,
 * delete) and is never reused, not even when a deleted key is created again: unlike ZooKeeper's dataVersion it
 * does not restart at zero, so a version alone orders every state a key has ever had.
 */
public record Versioned(String value, long version) {
    public Versioned {
        Objects.requireNonNull(value, "value");
    }
}
