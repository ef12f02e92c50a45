package io.kafkacassandra.session;

import com.datastax.oss.driver.api.core.CqlSession;

/**
 * An open Cassandra session with the settings it was opened with. In OSGi, the session component registers
 * one per configuration and replaces it when the configuration changes; the services follow it.
 */
public interface CassandraConnection {
    CqlSession session();

    CassandraSettings settings();

    /** A connection that someone else opened and closes. */
    static CassandraConnection of(CqlSession session, CassandraSettings settings) {
        return new CassandraConnection() {
            @Override
            public CqlSession session() {
                return session;
            }

            @Override
            public CassandraSettings settings() {
                return settings;
            }
        };
    }
}
