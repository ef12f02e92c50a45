package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.internal.DaemonThreads;
import io.kafkacassandra.session.internal.SurvivingTask;
import io.kafkacassandra.storage.internal.KvTable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps deletion markers from piling up: Kafka's change-notification namespaces create and delete keys for
 * ever. A marker (a deleted key's row, value null, holding its version) is needed only while a write that may
 * have produced or followed it can still be settled by its write id, which takes seconds; one older than
 * {@code retention} is removed, and in the same lightweight transaction the namespace's floor is raised to at
 * least its version, so that a key created later in the namespace starts above it and versions are never reused.
 * Every purge raises the floor, so that a creation conditioned on an older floor can never apply any more.
 *
 * <p>After a delete, the namespace is swept in the background, at most once per half retention; a sweep that
 * fails is simply tried after a later delete. Markers of a namespace where nothing is deleted any more stay,
 * but no longer grow.
 */
final class MarkerPurger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MarkerPurger.class);
    static final Duration DEFAULT_RETENTION = Duration.ofMinutes(1);
    private static final int REMEMBERED_NAMESPACES = 10_000;

    private final CqlRunner cql;
    private final KvTable table;
    private final Duration retention;
    private final Map<String, Long> lastSweep = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_NAMESPACES;
        }
    };
    private ExecutorService sweeper; // created at the first delete; guarded by this
    private boolean closed;

    MarkerPurger(CqlRunner cql, KvTable table, Duration retention) {
        this.cql = cql;
        this.table = table;
        this.retention = retention;
    }

    /** A key of {@code namespace} was deleted: sweep the namespace soon, unless it was swept lately. */
    synchronized void deleted(String namespace) {
        long now = System.nanoTime();
        Long last = lastSweep.get(namespace);
        if (closed || last != null && now - last < retention.toNanos() / 2) {
            return;
        }
        lastSweep.put(namespace, now);
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadExecutor(DaemonThreads.named("kafka-cassandra-marker-purge"));
        }
        try {
            sweeper.execute(new SurvivingTask("purge of deletion markers in " + namespace, () -> sweep(namespace)));
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /**
     * Removes the namespace's markers older than the retention; best effort (a refused or unanswered purge is
     * left to a later sweep).
     *
     * @return how many markers were removed
     */
    int sweep(String namespace) {
        long oldestKeptMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()) - retention.toNanos() / 1000;
        long floor = -1;
        int purged = 0;
        try {
            for (Row row : cql.read(
                    table.selectMarkers.bind(namespace).setConsistencyLevel(ConsistencyLevel.QUORUM),
                    "sweep of namespace " + namespace)) {
                if (floor < 0) {
                    floor = row.isNull("floor") ? 0 : row.getLong("floor");
                }
                if (row.isNull("name") || !row.isNull("value") || row.getLong(3) > oldestKeptMicros) {
                    continue; // the namespace's statics alone, a live key, or a marker still needed
                }
                long version = row.getLong("version");
                // Strictly above the floor, even for a marker below it: a creation held up somewhere with the
                // floor it was conditioned on must never apply after a purge (DeletionMarkerTest).
                long raised = Math.max(floor + 1, version);
                CqlRunner.Attempt attempt = cql.write(
                        floor == 0
                                ? table.purge[0].bind(namespace, row.getString("name"), version, raised, namespace)
                                : table.purge[1].bind(
                                        namespace, row.getString("name"), version, raised, namespace, floor),
                        "purge of a deletion marker in " + namespace);
                if (!attempt.answered() || !attempt.result().wasApplied()) {
                    break; // changed meanwhile, or unknown: the next sweep reads the namespace again
                }
                floor = raised;
                purged++;
            }
        } catch (RuntimeException e) {
            LOG.debug("sweep of deletion markers in {} stopped: {}", namespace, e.toString());
        }
        return purged;
    }

    @Override
    public void close() {
        ExecutorService s;
        synchronized (this) {
            closed = true;
            s = sweeper;
        }
        if (s != null) {
            DaemonThreads.shutdown(s);
        }
    }
}
