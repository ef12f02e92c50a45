package io.kafkacassandra.session.osgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.ConnectionFollower;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The DS part every session-following service shares, without a framework: the connection reaches the held
 * service, the service object itself is registered with the configuration's public properties, and it is
 * unregistered before it is closed.
 */
class FollowingServiceComponentTest {
    /** What the component's service offers consumers. */
    interface Greeter {
        String greet();
    }

    /** A service that records what it is told. */
    static final class Recorder implements Greeter, ConnectionFollower {
        final List<String> calls;

        Recorder(List<String> calls) {
            this.calls = calls;
        }

        @Override
        public String greet() {
            return "hello";
        }

        @Override
        public void connect(CassandraConnection connection) {
            calls.add("connect");
        }

        @Override
        public void disconnect(CassandraConnection connection) {
            calls.add("disconnect");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    static final class GreeterComponent extends FollowingServiceComponent {
        GreeterComponent(Recorder recorder) {
            super(recorder, Greeter.class);
        }
    }

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Recorder recorder = new Recorder(calls);
    private String[] registeredAs;
    private Object registered;
    private Dictionary<?, ?> registeredWith;

    /** A bundle context that only registers, into the fields above, and records the unregistration. */
    private BundleContext context() {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("unregister")) {
                        calls.add("unregister");
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (BundleContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService") && args[0] instanceof String[] names) {
                        registeredAs = names;
                        registered = args[1];
                        registeredWith = (Dictionary<?, ?>) args[2];
                        calls.add("register");
                        return registration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theHeldServiceFollowsTheConnectionAndIsRegisteredItselfThenUnregisteredBeforeItIsClosed() {
        GreeterComponent component = new GreeterComponent(recorder);
        CassandraConnection connection = CassandraConnection.of(null, null);
        component.bindConnection(connection);
        Map<String, Object> properties = new HashMap<>();
        properties.put("service", "kafka_controller");
        properties.put("component.name", "greeter");
        component.activate(context(), properties);
        component.unbindConnection(connection);
        component.deactivate();

        assertSame(recorder, registered);
        assertArrayEquals(new String[] {Greeter.class.getName()}, registeredAs);
        assertEquals("kafka_controller", registeredWith.get("service"));
        assertEquals(List.of("connect", "register", "disconnect", "unregister", "close"), calls);
    }

    @Test
    void theRegistrationCarriesTheConfigurationButNotTheComponentsOwnProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("group", "brokers");
        properties.put("felix.fileinstall.filename", "file:/etc/io.kafkacassandra.membership-brokers.cfg");
        properties.put(".secret", "private");
        properties.put("component.name", "io.kafkacassandra.membership.osgi.GroupMembershipComponent");
        properties.put("component.id", 7L);
        properties.put("service.pid", "io.kafkacassandra.membership.1234");
        properties.put("service.factoryPid", "io.kafkacassandra.membership");

        Dictionary<String, Object> registered = FollowingServiceComponent.registrationProperties(properties);

        assertEquals(2, registered.size());
        assertEquals("brokers", registered.get("group"));
        assertEquals(
                "file:/etc/io.kafkacassandra.membership-brokers.cfg", registered.get("felix.fileinstall.filename"));
    }

    @Test
    void aServiceIsRegisteredOnlyAsWhatItIs() {
        assertThrows(IllegalArgumentException.class, () -> new FollowingServiceComponent(recorder, Runnable.class) {});
    }
}
