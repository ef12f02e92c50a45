/**
 * The KIP-30 listener registry on Cassandra ({@link io.kafkacassandra.listeners.CassandraListenerRegistry}, and
 * {@link io.kafkacassandra.listeners.ReconnectingListenerRegistry} that follows the current connection): value and
 * key-set listeners fed by polls.
 */
@Version("0.1.0")
package io.kafkacassandra.listeners;

import org.osgi.annotation.versioning.Version;
