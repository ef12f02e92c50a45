/**
 * The plain KIP-30 {@link org.apache.kafka.plugin.interfaces.PluginLocator} of a broker
 * ({@link io.kafkacassandra.bridge.CassandraPluginLocator}), which builds every service from
 * {@code plugin.properties}.
 */
@Version("0.1.0")
package io.kafkacassandra.bridge;

import org.osgi.annotation.versioning.Version;
