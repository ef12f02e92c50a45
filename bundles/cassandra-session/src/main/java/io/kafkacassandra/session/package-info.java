/**
 * The API shared by every kafka-cassandra service: the settings ({@link io.kafkacassandra.session.CassandraSettings},
 * its builder and {@link io.kafkacassandra.session.SettingKey}), the driver session they open
 * ({@link io.kafkacassandra.session.SessionFactory}) and the {@link io.kafkacassandra.session.CassandraConnection}
 * that services follow.
 */
@Version("0.1.0")
package io.kafkacassandra.session;

import org.osgi.annotation.versioning.Version;
