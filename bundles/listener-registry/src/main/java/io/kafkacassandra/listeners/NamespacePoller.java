package io.kafkacassandra.listeners;

import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.OutageLog;
import io.kafkacassandra.session.internal.SerialNotifier;
import io.kafkacassandra.session.monitoring.Outcomes;
import io.kafkacassandra.storage.internal.KvTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.plugin.interfaces.KeySetChangeListener;
import org.apache.kafka.plugin.interfaces.ValueChangeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one namespace (one partition of {@code kv}) for all the listeners on it: the value listeners of its keys
 * and the key-set listeners of the namespace. One read per poll, whatever the number of listeners.
 *
 * <p>What it knows of each key only moves forward: a row replaces the known state only if its version is
 * higher, so a listener never sees an older version after a newer one, even if a read were served by a lagging
 * replica. Changes between two polls are coalesced into the latest state.
 */
final class NamespacePoller {
    private static final Logger LOG = LoggerFactory.getLogger(NamespacePoller.class);

    private final String namespace;
    private final CqlRunner cql;
    private final KvTable table;
    private final SerialNotifier notifier;

    /** Latest known state per name: version and value (null for a deleted key). Only touched under the lock. */
    private final Map<String, Known> known = new HashMap<>();

    private final List<ValueRegistration> valueRegistrations = new ArrayList<>();
    private final List<KeySetRegistration> keySetRegistrations = new ArrayList<>();
    private final OutageLog outage;
    private boolean polledOnce;

    private record Known(long version, String value) {}

    /** A value listener with the version it was last told; -1 before its first event. */
    private static final class ValueRegistration {
        final String name;
        final ValueChangeListener listener;
        long deliveredVersion = -1;

        ValueRegistration(String name, ValueChangeListener listener) {
            this.name = name;
            this.listener = listener;
        }
    }

    private static final class KeySetRegistration {
        final KeySetChangeListener listener;
        Set<String> delivered;

        KeySetRegistration(KeySetChangeListener listener) {
            this.listener = listener;
        }
    }

    NamespacePoller(String namespace, CqlRunner cql, KvTable table, SerialNotifier notifier, Outcomes polls) {
        this.namespace = namespace;
        this.cql = cql;
        this.table = table;
        this.notifier = notifier;
        this.outage = new OutageLog(LOG, "the poll of namespace " + namespace, polls);
    }

    synchronized void add(String name, ValueChangeListener listener) {
        valueRegistrations.add(new ValueRegistration(name, listener));
        deliver();
    }

    synchronized void add(KeySetChangeListener listener) {
        keySetRegistrations.add(new KeySetRegistration(listener));
        deliver();
    }

    synchronized void remove(String name, ValueChangeListener listener) {
        valueRegistrations.removeIf(r -> r.name.equals(name) && r.listener == listener);
    }

    synchronized void remove(KeySetChangeListener listener) {
        keySetRegistrations.removeIf(r -> r.listener == listener);
    }

    synchronized boolean isIdle() {
        return valueRegistrations.isEmpty() && keySetRegistrations.isEmpty();
    }

    /**
     * One poll: read the partition, merge what is newer, tell the listeners what changed for them.
     *
     * @return false if the read failed
     */
    boolean poll() {
        List<Row> rows;
        long start = System.nanoTime();
        try {
            rows = cql.read(table.namespaceRows(namespace), "poll of namespace " + namespace)
                    .all();
        } catch (RuntimeException e) { // unavailable, or anything unexpected: counted, logged, tried next period
            outage.failed(e);
            return false;
        }
        outage.succeeded(start);
        synchronized (this) {
            long floor = 0;
            Set<String> present = new HashSet<>();
            for (Row row : rows) {
                floor = row.isNull("floor") ? 0 : row.getLong("floor");
                if (row.isNull("name")) {
                    continue; // the namespace's statics (fences, floor), with no key
                }
                String name = row.getString("name");
                present.add(name);
                long version = row.getLong("version");
                Known before = known.get(name);
                if (before == null || version > before.version) {
                    known.put(name, new Known(version, row.getString("value")));
                }
            }
            forgetPurged(present, floor);
            polledOnce = true;
            deliver();
        }
        return true;
    }

    /**
     * Under the lock: keys known here but without a row any more had their deletion marker purged, which raised
     * the floor to at least the marker's version, so a floor at or above that version tells them apart from a
     * read that merely predates the key. A live key gone that way was deleted: it is told as deleted at the floor
     * (a key created again later has a higher version). A deleted key nobody watches is forgotten, so that what
     * the poller remembers does not grow with every key a namespace ever had.
     */
    private void forgetPurged(Set<String> present, long floor) {
        Set<String> watched = new HashSet<>();
        valueRegistrations.forEach(r -> watched.add(r.name));
        known.entrySet().removeIf(e -> {
            Known k = e.getValue();
            if (present.contains(e.getKey()) || (k.value == null ? floor < k.version : floor <= k.version)) {
                return false;
            }
            if (watched.contains(e.getKey())) {
                if (k.value != null) {
                    e.setValue(new Known(floor, null)); // floor > its version: told as deleted, never backwards
                }
                return false;
            }
            return true;
        });
    }

    /** Under the lock: queue an event for every registration whose view is behind. */
    private void deliver() {
        if (!polledOnce) {
            return; // a new listener's first event is the state of the first successful poll
        }
        for (ValueRegistration r : valueRegistrations) {
            Known k = known.get(r.name);
            long version = k == null ? 0 : k.version;
            if (r.deliveredVersion < version || r.deliveredVersion < 0) {
                r.deliveredVersion = version;
                Optional<String> value = Optional.ofNullable(k == null ? null : k.value);
                notifier.submit(
                        "value of " + key(r.name) + " at version " + version, () -> r.listener.valueChanged(value));
            }
        }
        if (!keySetRegistrations.isEmpty()) {
            Set<String> names = new HashSet<>();
            known.forEach((name, k) -> {
                if (k.value != null) {
                    names.add(name);
                }
            });
            Set<String> keySet = Set.copyOf(names);
            for (KeySetRegistration r : keySetRegistrations) {
                if (!keySet.equals(r.delivered)) {
                    r.delivered = keySet;
                    notifier.submit("key set of " + namespace, () -> r.listener.keySetChanged(keySet));
                }
            }
        }
    }

    private String key(String name) {
        return namespace.equals("/") ? "/" + name : namespace + "/" + name;
    }
}
