/**
 * The health and metrics of each service ({@link io.kafkacassandra.session.monitoring.ServiceMonitor}), as
 * operators and tools read them, on JMX ({@link io.kafkacassandra.session.monitoring.ServiceMonitorMXBean}) or in
 * Java ({@link io.kafkacassandra.session.monitoring.Health}).
 */
@Version("0.1.0")
package io.kafkacassandra.session.monitoring;

import org.osgi.annotation.versioning.Version;
