package io.kafkacassandra.session.osgi;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Cassandra session of the container. A changed configuration deactivates this component and
 * activates it again with the new one: the old session is closed and a new {@link CassandraConnection} is
 * registered, which the services follow. A configuration that cannot be used (a bad value, unreachable hosts,
 * wrong credentials) leaves no connection registered and is logged with its reason; the services then answer
 * "unavailable" until the configuration is corrected.
 */
@Component(configurationPid = CassandraSessionComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = CassandraConnection.class, immediate = true)
@Designate(ocd = CassandraSessionConfig.class)
public final class CassandraSessionComponent implements CassandraConnection {
    public static final String PID = "io.kafkacassandra.cassandra";
    private static final Logger LOG = LoggerFactory.getLogger(CassandraSessionComponent.class);

    private final CassandraSettings settings;
    private final CqlSession session;

    @Activate
    public CassandraSessionComponent(Map<String, Object> properties) {
        try {
            settings = CassandraSettings.fromMap(properties);
            // The driver's own class loader: it loads its reference.conf and its components through it.
            session = SessionFactory.open(settings, CqlSession.class.getClassLoader());
        } catch (RuntimeException e) {
            LOG.error("kafka-cassandra: configuration {} cannot be used, the services are unavailable until it is"
                    + " corrected: {}", PID, e.getMessage());
            throw e;
        }
        LOG.info("kafka-cassandra: connected with {}", settings);
    }

    @Override
    public CqlSession session() {
        return session;
    }

    @Override
    public CassandraSettings settings() {
        return settings;
    }

    @Deactivate
    void deactivate() {
        session.close();
        LOG.info("kafka-cassandra: session to {} closed", settings.contactPointsText());
    }
}
