/**
 * The KIP-30 group membership on Cassandra ({@link io.kafkacassandra.membership.CassandraGroupMembership}, and
 * {@link io.kafkacassandra.membership.ReconnectingGroupMembership} that follows the current connection): leased
 * members with lost and restored events.
 */
@Version("0.1.0")
package io.kafkacassandra.membership;

import org.osgi.annotation.versioning.Version;
