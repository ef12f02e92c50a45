package org.apache.kafka.plugin.interfaces;

import java.util.Optional;

/** Callback on value change event. */
@FunctionalInterface
public interface ValueChangeListener {
    /** @param newValue the new value, or empty when the key was deleted */
    void valueChanged(Optional<String> newValue);
}
