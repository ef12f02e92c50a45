package io.kafkacassandra.session.osgi;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The component of a service that follows the Cassandra session: it holds the plain service its subclass made,
 * hands it the registered {@link CassandraConnection} as that comes and goes, and registers the service object
 * itself (not this component) while active; deactivated, it unregisters and closes it. A subclass is
 * {@code @Component(service = {}, immediate = true)}, since the registration is this class's, and its bundle
 * declares the {@code osgi.service} capability that bnd would have derived from {@code service} (Karaf's feature
 * resolver matches the consumers' service requirements against it). bnd reads the DS annotations here only with
 * {@code -dsannotations-options: inherit}; the methods are protected so that SCR may call them from a subclass in
 * another package.
 */
public abstract class FollowingServiceComponent {
    /** Component properties that are not the service's: the component's own and those the framework sets. */
    private static final Set<String> NOT_REGISTERED = Set.of(
            Constants.OBJECTCLASS,
            Constants.SERVICE_ID,
            Constants.SERVICE_BUNDLEID,
            Constants.SERVICE_SCOPE,
            Constants.SERVICE_PID,
            "service.factoryPid");

    private final ConnectionFollower service;
    private final String[] interfaces;
    private volatile ServiceRegistration<?> registration;

    /**
     * @param service    the plain service, which this component closes once deactivated
     * @param interfaces what it is registered as; it must implement each
     */
    protected FollowingServiceComponent(ConnectionFollower service, Class<?>... interfaces) {
        this.service = Objects.requireNonNull(service, "service");
        if (interfaces.length == 0) {
            throw new IllegalArgumentException("no interface to register " + service + " as");
        }
        for (Class<?> type : interfaces) {
            if (!type.isInstance(service)) {
                throw new IllegalArgumentException(service + " is no " + type.getName());
            }
        }
        this.interfaces = Arrays.stream(interfaces).map(Class::getName).toArray(String[]::new);
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    protected void bindConnection(CassandraConnection connection) {
        service.connect(connection);
    }

    protected void unbindConnection(CassandraConnection connection) {
        service.disconnect(connection);
    }

    /** Registers the service, after SCR has bound the current connection if there is one. */
    @Activate
    protected void activate(BundleContext context, Map<String, Object> properties) {
        try {
            registration = context.registerService(interfaces, service, registrationProperties(properties));
        } catch (RuntimeException e) {
            service.close(); // SCR does not deactivate what failed to activate
            throw e;
        }
    }

    @Deactivate
    protected void deactivate() {
        try {
            registration.unregister(); // consumers let go of the service before it is closed
        } catch (IllegalStateException alreadyUnregistered) {
            // the bundle is stopping and the framework was first
        } finally {
            service.close();
        }
    }

    /**
     * The properties the service is registered with: the component's configuration (such as {@code service} of an
     * election client or {@code group} of a membership client, which consumers select by), without private
     * ({@code .}-prefixed) properties as DS leaves them out, without {@code component.*} and without the
     * configuration's identity ({@code service.pid}, {@code service.factoryPid}).
     */
    static Dictionary<String, Object> registrationProperties(Map<String, Object> componentProperties) {
        Hashtable<String, Object> registered = new Hashtable<>();
        componentProperties.forEach((key, value) -> {
            if (!key.startsWith(".")
                    && !key.startsWith("component.")
                    && !NOT_REGISTERED.contains(key)
                    && value != null) {
                registered.put(key, value);
            }
        });
        return registered;
    }
}
