/**
 * The KIP-30 leader election on Cassandra ({@link io.kafkacassandra.election.CassandraLeaderElection}, and
 * {@link io.kafkacassandra.election.ReconnectingLeaderElection} that follows the current connection): leases with
 * local deadlines and fencing epochs.
 */
@Version("0.1.0")
package io.kafkacassandra.election;

import org.osgi.annotation.versioning.Version;
