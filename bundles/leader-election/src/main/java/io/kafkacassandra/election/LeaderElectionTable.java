package io.kafkacassandra.election;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.internal.CqlRunner;
import java.util.UUID;

/**
 * The statements of {@code leader_election} (see {@code schema.cql}). {@code leader} and {@code lease} carry the
 * lease TTL; {@code epoch} has none, so the fencing epoch survives every lease. All writes are conditional.
 */
final class LeaderElectionTable {
    /** A service's row as a SERIAL read sees it. {@code lease} is null when the post is vacant. */
    record State(String leader, UUID lease, Long epoch) {
        long epochOrZero() {
            return epoch == null ? 0 : epoch;
        }
    }

    private final PreparedStatement select;
    private final PreparedStatement acquire;
    private final PreparedStatement renew;
    private final PreparedStatement release;
    private final int ttlSeconds;

    LeaderElectionTable(CqlSession session, CassandraSettings settings) {
        String table = settings.keyspace() + ".leader_election";
        this.ttlSeconds = (int) settings.leaseTtl().getSeconds();
        try {
            select = session.prepare("SELECT leader, lease, epoch FROM " + table + " WHERE service = ?");
            // One conditional batch on one row: the lease cells with the TTL, the epoch without.
            acquire = session.prepare("BEGIN BATCH"
                    + " UPDATE " + table + " USING TTL ? SET leader = ?, lease = ? WHERE service = ?"
                    + " IF lease = null AND epoch = ?;"
                    + " UPDATE " + table + " SET epoch = ? WHERE service = ?;"
                    + " APPLY BATCH");
            renew = session.prepare(
                    "UPDATE " + table + " USING TTL ? SET leader = ?, lease = ? WHERE service = ?" + " IF lease = ?");
            release = session.prepare("DELETE leader, lease FROM " + table + " WHERE service = ? IF lease = ?");
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, table, e);
        }
    }

    State read(CqlRunner cql, String service) {
        Row row = cql.read(
                        select.bind(service).setConsistencyLevel(ConsistencyLevel.SERIAL),
                        "read the leader of " + service)
                .one();
        if (row == null) {
            return new State(null, null, null);
        }
        return new State(
                row.getString("leader"), row.getUuid("lease"), row.isNull("epoch") ? null : row.getLong("epoch"));
    }

    /** Takes the vacant post with epoch {@code current + 1}, if nobody took it since {@code current} was read. */
    BoundStatement acquire(String service, String candidate, UUID lease, Long currentEpoch) {
        long next = (currentEpoch == null ? 0 : currentEpoch) + 1;
        return acquire.bind(ttlSeconds, candidate, lease, service, currentEpoch, next, service);
    }

    BoundStatement renew(String service, String candidate, UUID lease) {
        return renew.bind(ttlSeconds, candidate, lease, service, lease)
                .setIdempotent(true)
                .setExecutionProfileName(SessionFactory.RENEWAL_PROFILE);
    }

    BoundStatement release(String service, UUID lease) {
        return release.bind(service, lease);
    }
}
