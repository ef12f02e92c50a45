package io.kafkacassandra.membership;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.internal.CqlRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The statements of {@code group_membership} (see {@code schema.cql}); every cell carries the lease TTL. */
final class GroupMembershipTable {
    private final PreparedStatement selectGroup;
    private final PreparedStatement selectSession;
    private final PreparedStatement join;
    private final PreparedStatement renew;
    private final PreparedStatement leave;
    private final int ttlSeconds;

    GroupMembershipTable(CqlSession session, CassandraSettings settings) {
        String table = settings.keyspace() + ".group_membership";
        this.ttlSeconds = (int) settings.leaseTtl().getSeconds();
        try {
            selectGroup = session.prepare("SELECT id, data FROM " + table + " WHERE group_name = ?");
            selectSession = session.prepare("SELECT session FROM " + table + " WHERE group_name = ? AND id = ?");
            join = session.prepare("INSERT INTO " + table + " (group_name, id, data, session) VALUES (?, ?, ?, ?)"
                    + " IF NOT EXISTS USING TTL ?");
            renew = session.prepare("UPDATE " + table + " USING TTL ? SET data = ?, session = ?"
                    + " WHERE group_name = ? AND id = ? IF session = ?");
            leave = session.prepare("DELETE FROM " + table + " WHERE group_name = ? AND id = ? IF session = ?");
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, table, e);
        }
    }

    /** The live members and their data, by a linearizable read. */
    Map<String, String> members(CqlRunner cql, String group) {
        Map<String, String> members = new HashMap<>();
        for (Row row : cql.read(
                selectGroup.bind(group).setConsistencyLevel(ConsistencyLevel.SERIAL), "read the members of " + group)) {
            members.put(row.getString("id"), row.getString("data"));
        }
        return Map.copyOf(members);
    }

    /** The lease session of a member, or null if it is not in the group. */
    UUID session(CqlRunner cql, String group, String id) {
        Row row = cql.read(
                        selectSession.bind(group, id).setConsistencyLevel(ConsistencyLevel.SERIAL),
                        "read member " + id + " of " + group)
                .one();
        return row == null ? null : row.getUuid("session");
    }

    BoundStatement join(String group, String id, String data, UUID session) {
        return join.bind(group, id, data, session, ttlSeconds);
    }

    BoundStatement renew(String group, String id, String data, UUID session) {
        return renew.bind(ttlSeconds, data, session, group, id, session)
                .setIdempotent(true)
                .setExecutionProfileName(SessionFactory.RENEWAL_PROFILE);
    }

    BoundStatement leave(String group, String id, UUID session) {
        return leave.bind(group, id, session);
    }
}
