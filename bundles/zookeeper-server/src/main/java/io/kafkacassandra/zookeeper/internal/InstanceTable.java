package io.kafkacassandra.zookeeper.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.CqlRunner;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The statements of {@code zk_instances}: where each running instance of a service takes nudges. A row lives for a
 * TTL and is written again before it ends; an instance that stopped drops out on its own. Plain writes and reads:
 * a stale or missing row only costs a nudge, never a transaction.
 */
final class InstanceTable {
    private final CqlRunner cql;
    private final String service;
    private final PreparedStatement register;
    private final PreparedStatement readAll;

    InstanceTable(CqlRunner cql, CassandraSettings settings, String service) {
        this.cql = cql;
        this.service = service;
        String table = settings.keyspace() + ".zk_instances";
        CqlSession session = cql.session();
        try {
            register = session.prepare("INSERT INTO " + table
                    + " (service, instance, address, nudge_port) VALUES (?, ?, ?, ?) USING TTL ?");
            readAll = session.prepare("SELECT instance, address, nudge_port FROM " + table + " WHERE service = ?");
        } catch (RuntimeException e) {
            throw CqlRunner.cannotPrepare(session, table, e);
        }
    }

    void register(String instance, InetSocketAddress nudges, int ttlSeconds) {
        cql.read(
                register.bind(service, instance, nudges.getAddress(), nudges.getPort(), ttlSeconds),
                "register ZooKeeper instance " + instance + " of " + service);
    }

    /** Every registered instance and where it takes nudges. */
    Map<String, InetSocketAddress> instances() {
        Map<String, InetSocketAddress> all = new HashMap<>();
        for (Row row : cql.read(readAll.bind(service), "read the ZooKeeper instances of " + service)) {
            all.put(
                    row.getString("instance"),
                    new InetSocketAddress(row.getInetAddress("address"), row.getInt("nudge_port")));
        }
        return all;
    }
}
