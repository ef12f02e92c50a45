package io.kafkacassandra.zookeeper.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The statements of {@code zk_sessions}: which ZooKeeper sessions are alive. A row is written with a TTL equal to
 * what is left of its session's timeout by the instance its client is connected to; a session without a row has
 * not been heard of for a whole timeout. Plain writes: liveness needs no linearizability, and a row written late
 * only keeps a session a little longer.
 */
final class SessionLeaseTable {
    private final CqlRunner cql;
    private final String service;
    private final PreparedStatement renew;
    private final PreparedStatement readAll;

    SessionLeaseTable(CqlRunner cql, CassandraSettings settings, String service) {
        this.cql = cql;
        this.service = service;
        String table = settings.keyspace() + ".zk_sessions";
        CqlSession session = cql.session();
        try {
            renew = session.prepare(
                    "INSERT INTO " + table + " (service, session_id, instance) VALUES (?, ?, ?) USING TTL ?");
            readAll = session.prepare("SELECT session_id FROM " + table + " WHERE service = ?");
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, table, e);
        }
    }

    /** Writes a row for each session, with its TTL in seconds, in one single-partition batch. */
    void renew(Map<Long, Integer> ttlSeconds, String instance) {
        if (ttlSeconds.isEmpty()) {
            return;
        }
        BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        ttlSeconds.forEach((id, ttl) -> batch.addStatement(renew.bind(service, id, instance, ttl)));
        cql.read(batch.build(), "renew " + ttlSeconds.size() + " ZooKeeper sessions of " + service);
    }

    /** The sessions that have a row (of any instance). */
    Set<Long> live() {
        Set<Long> live = new HashSet<>();
        for (Row row : cql.read(readAll.bind(service), "read the ZooKeeper sessions of " + service)) {
            live.add(row.getLong("session_id"));
        }
        return live;
    }
}
