package io.kafkacassandra.session.monitoring;

import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link ServiceMonitor} on the platform MBean server (what Karaf's JMX connector, Jolokia, JConsole and
 * the Prometheus JMX exporter read) as {@code io.kafkacassandra:type=<Type>,name="<name>"}. A second monitor with
 * the same type and name in one JVM gets an {@code instance} key. Closing unregisters it.
 */
public final class JmxRegistration implements AutoCloseable {
    public static final String DOMAIN = "io.kafkacassandra";
    private static final Logger LOG = LoggerFactory.getLogger(JmxRegistration.class);

    private final MBeanServer server;
    private final ObjectName name;

    private JmxRegistration(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    /** Registers {@code monitor}; a JMX failure is logged and never stops the service. */
    public static JmxRegistration register(ServiceMonitor monitor) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String base = DOMAIN + ":type=" + monitor.type() + ",name=" + ObjectName.quote(monitor.name());
        for (int instance = 1; instance < 1000; instance++) {
            try {
                ObjectName name = new ObjectName(instance == 1 ? base : base + ",instance=" + instance);
                server.registerMBean(monitor, name);
                return new JmxRegistration(server, name);
            } catch (InstanceAlreadyExistsException taken) {
                // another client of the same service in this JVM: try the next instance number
            } catch (JMException e) {
                LOG.warn("cannot publish {} on JMX: {}", base, e.toString());
                break;
            }
        }
        return new JmxRegistration(server, null);
    }

    /** The name it is published under, or null if it could not be. */
    public ObjectName objectName() {
        return name;
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("{} was already unregistered", name);
        }
    }
}
