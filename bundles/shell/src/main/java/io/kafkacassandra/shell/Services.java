package io.kafkacassandra.shell;

import io.kafkacassandra.session.CassandraConnection;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;

/**
 * What the commands share about the services they use. The services that stay registered for the container's
 * life (the locator, storage, the listener registry) are injected with {@code @Reference(optional = true)}, so
 * that a command is registered even while one is missing and can say why. Those that come and go with the
 * session or a configuration (the connection, the configured clients) are looked up when a command runs: Karaf
 * registers a bundle's commands again whenever an injected service changes, and they would be missing meanwhile.
 */
final class Services {
    /** A service's state, in a word, while it waits for the Cassandra session (whose reason status tells once). */
    static final String WAITING = "waiting for the session";

    private Services() {}

    static <T> T require(T service, Class<T> type) {
        if (service == null) {
            throw new IllegalStateException(
                    "no " + type.getSimpleName() + " service: is the feature kafka-cassandra"
                            + " installed and its configuration (io.kafkacassandra.cassandra) valid? See kafka-cassandra:status");
        }
        return service;
    }

    /** The services of {@code type} registered now. */
    static <T> List<T> current(BundleContext context, Class<T> type) {
        try {
            return context.getServiceReferences(type, null).stream()
                    .map(context::getService)
                    .filter(Objects::nonNull)
                    .toList();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // no filter: cannot happen
        }
    }

    /** The service of {@code type} registered now, or null. */
    static <T> T currentOne(BundleContext context, Class<T> type) {
        return current(context, type).stream().findFirst().orElse(null);
    }

    /** What {@code read} finds on the current session without a client: or waiting, or unavailable in a few words. */
    static String readDirectly(BundleContext context, Function<CassandraConnection, String> read) {
        CassandraConnection connection = currentOne(context, CassandraConnection.class);
        if (connection == null) {
            return WAITING;
        }
        try {
            return read.apply(connection);
        } catch (RuntimeException e) {
            return unavailable(e);
        }
    }

    /** A failed call in a few words: {@link #WAITING} rather than the session's reason again. */
    static String unavailable(RuntimeException e) {
        String message = e.getMessage();
        return message != null && message.contains(ServiceMonitor.AWAITING_SESSION)
                ? WAITING
                : "unavailable (" + message + ")";
    }
}
