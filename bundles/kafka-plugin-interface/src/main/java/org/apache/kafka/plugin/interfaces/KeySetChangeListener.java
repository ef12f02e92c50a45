package org.apache.kafka.plugin.interfaces;

import java.util.Set;

/** Callback on key-set change event. */
@FunctionalInterface
public interface KeySetChangeListener {
    void keySetChanged(Set<String> newKeySet);
}
