package io.kafkacassandra.session.osgi;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.internal.ChangeFeed;
import io.kafkacassandra.session.internal.SessionOpener;
import io.kafkacassandra.session.internal.SessionStatus;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Cassandra session of the container. It opens the session in the background, trying again until it
 * works (Cassandra down, wrong credentials or an untrusted certificate fixed on the Cassandra side: no restart
 * needed), and then registers a {@link CassandraConnection}, which the services follow. A changed configuration
 * deactivates this component and activates it again with the new one: the old session is closed first. A value
 * that cannot be used is refused at once, logged with its key, and reported by the services' health.
 */
@Component(
        configurationPid = CassandraSessionComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {},
        immediate = true)
@Designate(ocd = CassandraSessionConfig.class)
public final class CassandraSessionComponent {
    public static final String PID = "io.kafkacassandra.cassandra";
    private static final Logger LOG = LoggerFactory.getLogger(CassandraSessionComponent.class);

    private final CassandraSettings settings;
    private final SessionOpener opener;
    private ServiceRegistration<CassandraConnection> registration; // guarded by this
    private boolean deactivating; // guarded by this

    @Activate
    public CassandraSessionComponent(BundleContext context, Map<String, Object> properties) {
        try {
            settings = CassandraSettings.fromMap(properties);
        } catch (RuntimeException e) {
            SessionStatus.reportInvalidConfiguration(PID, e.getMessage());
            LOG.error(
                    "kafka-cassandra: configuration {} cannot be used, the services are unavailable until it is"
                            + " corrected: {}",
                    PID,
                    e.getMessage());
            throw e;
        }
        LOG.info("kafka-cassandra: connecting with {}", settings);
        // The driver's own class loader: it loads its reference.conf and its components through it.
        opener = new SessionOpener(settings, CqlSession.class.getClassLoader(), session -> {
            synchronized (this) {
                if (deactivating) {
                    return; // the opener closes the session
                }
                registration = context.registerService(
                        CassandraConnection.class, CassandraConnection.of(session, settings), new Hashtable<>());
            }
            // run.sh --walkthrough waits for this line before it feeds the Karaf console.
            LOG.info("kafka-cassandra: connected to {}", settings.contactPointsText());
        });
    }

    @Deactivate
    void deactivate() {
        ServiceRegistration<CassandraConnection> r;
        synchronized (this) {
            deactivating = true;
            r = registration;
            registration = null;
        }
        if (r != null) {
            r.unregister(); // the services let go of the session before it is closed
        }
        ChangeFeed.awaitAnnounced(); // the last writes' hints (a group's leave) go out before the session closes
        opener.close();
        SessionStatus.reportClosed(PID);
        LOG.info("kafka-cassandra: session to {} closed", settings.contactPointsText());
    }
}
