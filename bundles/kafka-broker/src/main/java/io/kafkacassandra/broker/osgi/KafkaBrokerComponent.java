package io.kafkacassandra.broker.osgi;

import io.kafkacassandra.broker.EmbeddedKafkaBroker;
import java.util.Map;
import java.util.Properties;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker of {@value #PID} ({@code etc/io.kafkacassandra.broker.cfg}): every property is a key of Kafka's
 * {@code server.properties}. A changed configuration restarts the broker (SCR deactivates, with a controlled
 * shutdown, and activates again); a configuration Kafka refuses fails the activation, which SCR logs. One broker
 * per container: Kafka's static state is per class loader, so a factory configuration is refused.
 *
 * <p>The broker starts on a thread of its own, tried again (every 2 s, then less often, up to every minute) until it
 * serves: its ZooKeeper (often the ZooKeeper service of this container, installed in the same feature deployment)
 * may not serve yet, and SCR's activation must not wait for it.
 */
@Component(
        configurationPid = KafkaBrokerComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true) // no service: the broker serves Kafka clients on its listeners
public final class KafkaBrokerComponent {
    public static final String PID = "io.kafkacassandra.broker";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerComponent.class);
    private static final long FIRST_RETRY_MS = 2_000;
    private static final long LAST_RETRY_MS = 60_000;

    private final EmbeddedKafkaBroker broker;
    private final Thread starter;

    @Activate
    public KafkaBrokerComponent(Map<String, Object> properties) {
        if (properties.containsKey("service.factoryPid")) {
            throw new IllegalArgumentException(
                    PID + " is a single configuration: one Kafka broker per container, not a factory");
        }
        broker = new EmbeddedKafkaBroker(serverProperties(properties), KafkaBrokerComponent.class.getClassLoader());
        starter = new Thread(this::startUntilServing, "kafka-cassandra-broker-" + broker.brokerId() + "-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startUntilServing() {
        long retryMs = FIRST_RETRY_MS;
        while (true) {
            try {
                broker.start();
                LOG.info("Kafka broker {} started", broker.brokerId());
                return;
            } catch (Throwable e) { // an Error too: the thread must not end without saying why
                if (broker.isClosed()) {
                    return; // deactivated meanwhile
                }
                LOG.error("Kafka broker {} did not start; trying again in {} s", broker.brokerId(), retryMs / 1000, e);
            }
            // Not interrupted by deactivate (an interrupt inside Kafka's log loading leaves its recovery threads
            // running): deactivate wakes this wait instead.
            synchronized (this) {
                if (broker.isClosed()) {
                    return;
                }
                try {
                    wait(retryMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
            retryMs = Math.min(LAST_RETRY_MS, retryMs * 2);
        }
    }

    @Deactivate
    void deactivate() {
        broker.close(); // waits for a start in progress (ends it if its ZooKeeper is gone), stops what it started
        synchronized (this) { // the starter checks for the close under this lock before it waits
            notifyAll();
        }
    }

    /** The configuration without what config admin and SCR add (service.pid, component.name, felix.*). */
    static Properties serverProperties(Map<String, Object> configuration) {
        Properties server = new Properties();
        configuration.forEach((key, value) -> {
            if (!key.startsWith("service.") && !key.startsWith("component.") && !key.startsWith("felix.")) {
                server.setProperty(key, String.valueOf(value));
            }
        });
        return server;
    }
}
