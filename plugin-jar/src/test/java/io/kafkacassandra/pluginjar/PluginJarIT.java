package io.kafkacassandra.pluginjar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.launcher.CassandraExtension;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plays a stock KIP-30-patched broker: reads the three plugin lines of server.properties, loads plugin.jar
 * through a class loader of its own whose parent holds only what a broker has (target/broker-libs: the
 * interfaces, SLF4J, and other netty and jackson versions), and runs controller election, broker registration, topic configuration
 * and a change notification on it against a real Cassandra node. The test talks to the plugin only through the
 * broker's copy of the interfaces, by reflection, as the broker's own code would.
 */
class PluginJarIT {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final String INTERFACES = "org.apache.kafka.plugin.interfaces.";

    @Test
    void aStockPatchedBrokerRunsOnPluginJar(@TempDir Path dir) throws Exception {
        Path pluginJar = Path.of(System.getProperty("plugin.jar"));
        assertTrue(Files.isRegularFile(pluginJar), "built by the package phase: " + pluginJar);
        InetSocketAddress cassandra = CASSANDRA.cluster().contactPoints().get(0);
        Path pluginProperties = dir.resolve("plugin.properties");
        Files.writeString(
                pluginProperties,
                String.join(
                        "\n",
                        "plugin.cassandra.contact.points=" + cassandra.getHostString() + ":" + cassandra.getPort(),
                        "plugin.cassandra.keyspace=plugin_jar_it",
                        "plugin.cassandra.lr.pull.period.ms=200",
                        "plugin.cassandra.lr.safety.poll.period.ms=1000",
                        ""));
        Path serverProperties = dir.resolve("server.properties");
        Files.writeString(
                serverProperties,
                String.join(
                        "\n",
                        "broker.id=0",
                        "plugin.additional.jars=" + pluginJar,
                        "plugin.locator.classname=io.kafkacassandra.bridge.CassandraPluginLocator",
                        "plugin.configuration.file=" + pluginProperties,
                        ""));

        Properties server = new Properties();
        try (InputStream in = Files.newInputStream(serverProperties)) {
            server.load(in);
        }
        ClassLoader broker = new URLClassLoader("broker", brokerClassPath(), ClassLoader.getPlatformClassLoader());
        Class<?> locatorType = broker.loadClass(INTERFACES + "PluginLocator");

        List<Object> locators = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                URL[] additional = Stream.of(
                                server.getProperty("plugin.additional.jars").split(","))
                        .map(PluginJarIT::url)
                        .toArray(URL[]::new);
                ClassLoader plugin = new URLClassLoader("plugin-" + i, additional, broker);
                Object locator = Class.forName(server.getProperty("plugin.locator.classname"), true, plugin)
                        .getDeclaredConstructor()
                        .newInstance();
                assertTrue(locatorType.isInstance(locator), "implements the broker's own PluginLocator");
                assertThrows(
                        IllegalStateException.class, () -> call(locator, "getStorage"), "no service before startup");
                call(locator, "startup", server.getProperty("plugin.configuration.file"));
                locators.add(locator);
                if (i == 0) {
                    checkIsolation(broker, plugin, locatorType);
                }
            }

            // Controller election among the three brokers.
            int winners = 0;
            for (int i = 0; i < 3; i++) {
                Object election = call(locators.get(i), "getLeaderElection", "kafka_controller");
                winners += (Boolean) call(election, "nominate", "broker-" + i) ? 1 : 0;
            }
            assertEquals(1, winners);
            Object leader = call(call(locators.get(0), "getLeaderElection", "kafka_controller"), "getLeader");
            for (Object locator : locators) {
                assertEquals(leader, call(call(locator, "getLeaderElection", "kafka_controller"), "getLeader"));
            }

            // Broker registration.
            for (int i = 0; i < 3; i++) {
                call(call(locators.get(i), "getGroupMembership", "brokers"), "join", Integer.toString(i), "host" + i);
            }
            assertEquals(
                    Set.of("0", "1", "2"),
                    call(call(locators.get(2), "getGroupMembership", "brokers"), "membershipList"));

            // Topic configuration in storage, and its change notification in another broker.
            BlockingQueue<Object> events = new LinkedBlockingQueue<>();
            Class<?> listenerType = broker.loadClass(INTERFACES + "ValueChangeListener");
            Object listener = Proxy.newProxyInstance(
                    broker, new Class<?>[] {listenerType}, (proxy, method, args) -> switch (method.getName()) {
                        case "valueChanged" -> {
                            events.add(args[0]);
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "broker listener";
                    });
            call(
                    call(locators.get(1), "getListenerRegistry"),
                    "addValueChangeListener",
                    "/config/topics/orders",
                    listener);
            assertEquals(Optional.empty(), events.poll(10, TimeUnit.SECONDS));
            call(call(locators.get(0), "getStorage"), "put", "/config/topics/orders", "retention.ms=86400000");
            assertEquals(Optional.of("retention.ms=86400000"), events.poll(10, TimeUnit.SECONDS));
        } finally {
            for (Object locator : locators) {
                call(locator, "close");
            }
        }
        awaitNoThread("kafka-cassandra");
    }

    /** The driver and its netty come from plugin.jar, relocated; the broker's own netty stays the broker's. */
    private static void checkIsolation(ClassLoader broker, ClassLoader plugin, Class<?> locatorType) throws Exception {
        Class<?> brokerNetty = plugin.loadClass("io.netty.util.Version");
        assertEquals(broker, brokerNetty.getClassLoader());
        assertTrue(brokerNetty
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toString()
                .contains(System.getProperty("broker.netty.version", "4.1.100.Final")));
        Class<?> pluginNetty = plugin.loadClass("io.kafkacassandra.shaded.io.netty.util.Version");
        assertEquals(plugin, pluginNetty.getClassLoader());
        assertEquals(
                plugin,
                plugin.loadClass("com.datastax.oss.driver.api.core.CqlSession").getClassLoader());
        assertEquals(
                broker,
                plugin.loadClass(INTERFACES + "Storage").getClassLoader(),
                "plugin.jar does not carry the interfaces: the broker's are used");
        Iterator<?> declared = ServiceLoader.load(locatorType, plugin).iterator();
        assertEquals(
                "io.kafkacassandra.bridge.CassandraPluginLocator",
                declared.next().getClass().getName());
    }

    private static URL[] brokerClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> libs = Files.list(Path.of(System.getProperty("broker.libs")))) {
            libs.sorted().forEach(p -> urls.add(url(p.toString())));
        }
        return urls.toArray(URL[]::new);
    }

    private static URL url(String path) {
        try {
            return Path.of(path.trim()).toUri().toURL();
        } catch (Exception e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    /** Calls a public method by name, as the broker would through its interfaces. */
    private static Object call(Object target, String name, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                m.setAccessible(true);
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
        }
        throw new NoSuchMethodException(target.getClass() + "." + name);
    }

    private static void awaitNoThread(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> left = threads(prefix);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = threads(prefix);
        }
        assertEquals(List.of(), left, "threads left after close()");
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .toList();
    }
}
