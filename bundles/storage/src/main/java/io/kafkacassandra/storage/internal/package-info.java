/**
 * The statements of the storage's {@code kv} table, exported for the listener registry's polls only: not an API:
 * may change without notice.
 */
@Version("0.1.0")
package io.kafkacassandra.storage.internal;

import org.osgi.annotation.versioning.Version;
