package org.apache.kafka.plugin.interfaces;

import java.util.Objects;

/**
 * A value with its version. The version of a key grows with every change of the key (create, update, delete) and
 * is never reused, not even when a deleted key is created again: unlike ZooKeeper's dataVersion it does not
 * restart at zero, so a version alone orders every state a key has ever had. A key is created at version 1 in a
 * namespace that never forgot a deleted key, and above every version the namespace forgot otherwise (see the
 * implementation's documentation); each later change adds one.
 */
public record Versioned(String value, long version) {
    public Versioned {
        Objects.requireNonNull(value, "value");
    }
}
