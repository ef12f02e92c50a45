package io.kafkacassandra.session.internal;

import com.codahale.metrics.jmx.JmxReporter;
import com.datastax.oss.driver.api.core.CqlSession;

/**
 * Publishes the driver's own metrics (the ones {@link io.kafkacassandra.session.SessionFactory} enables) on the
 * platform MBean server under {@value #DOMAIN}, with Dropwizard's JMX reporter, for as long as the session is
 * open. The owner of the session closes it with the session.
 */
public final class DriverMetricsJmx implements AutoCloseable {
    public static final String DOMAIN = "io.kafkacassandra.driver";

    private final JmxReporter reporter;

    private DriverMetricsJmx(JmxReporter reporter) {
        this.reporter = reporter;
    }

    public static DriverMetricsJmx publish(CqlSession session) {
        JmxReporter reporter = session.getMetrics()
                .map(metrics -> JmxReporter.forRegistry(metrics.getRegistry())
                        .inDomain(DOMAIN)
                        .build())
                .orElse(null);
        if (reporter != null) {
            reporter.start();
        }
        return new DriverMetricsJmx(reporter);
    }

    @Override
    public void close() {
        if (reporter != null) {
            reporter.close();
        }
    }
}
