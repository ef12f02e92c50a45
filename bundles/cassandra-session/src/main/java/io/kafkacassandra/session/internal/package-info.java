/**
 * Helpers the kafka-cassandra bundles share (statement running and unknown outcomes, leases, background threads,
 * input validation, the schema, the session opener), exported for those bundles only: not an API: may change
 * without notice.
 */
@Version("0.1.0")
package io.kafkacassandra.session.internal;

import org.osgi.annotation.versioning.Version;
