/**
 * The KIP-30 key-value storage on Cassandra ({@link io.kafkacassandra.storage.CassandraStorage}, and
 * {@link io.kafkacassandra.storage.ReconnectingStorage} that follows the current connection), with versions,
 * compare-and-set and writes fenced by a leader's epoch.
 */
@Version("0.1.0")
package io.kafkacassandra.storage;

import org.osgi.annotation.versioning.Version;
