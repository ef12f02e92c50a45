package io.kafkacassandra.storage;

import io.kafkacassandra.session.internal.KeyPath;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this client last saw of keys' versions and namespaces' floors, so that a write can go straight to the
 * conditional write it most likely needs instead of reading first. Hints only: a write conditioned on a stale one is
 * refused, and the refusal returns the key's state, so correctness never depends on them. Each map keeps its most
 * recently used entries only.
 */
final class VersionHints {
    static final int MAX_ENTRIES = 10_000;

    private final Map<KeyPath, Long> versions = bounded();
    private final Map<String, Long> floors = bounded();

    private static <K> Map<K, Long> bounded() {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Long> eldest) {
                return size() > MAX_ENTRIES;
            }
        });
    }

    /** The version of the key's row last seen (live or a deletion marker), null if none is known. */
    Long version(KeyPath path) {
        return versions.get(path);
    }

    /** The floor of the namespace last seen above 0, null if none is known. */
    Long floor(String namespace) {
        return floors.get(namespace);
    }

    /** The key's row was seen at {@code version}. */
    void sawRow(KeyPath path, long version) {
        versions.put(path, version);
    }

    /** The key was seen without a row, in a namespace whose floor was {@code floor}. */
    void sawNoRow(KeyPath path, long floor) {
        versions.remove(path);
        if (floor > 0) {
            floors.put(path.namespace(), floor);
        }
    }
}
