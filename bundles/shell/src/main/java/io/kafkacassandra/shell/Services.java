package io.kafkacassandra.shell;

import io.kafkacassandra.session.monitoring.ServiceMonitor;

/**
 * What the commands share about the services Karaf injects. The commands reference them with
 * {@code @Reference(optional = true)}, so that they are registered even while a service is missing and can say
 * why, rather than not exist.
 */
final class Services {
    /** A service's state, in a word, while it waits for the Cassandra session (whose reason status tells once). */
    static final String WAITING = "waiting for the session";

    private Services() {
    }

    static <T> T require(T service, Class<T> type) {
        if (service == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " service: is the feature kafka-cassandra"
                    + " installed and its configuration (io.kafkacassandra.cassandra) valid? See kafka-cassandra:status");
        }
        return service;
    }

    /** A failed call in a few words: {@link #WAITING} rather than the session's reason again. */
    static String unavailable(RuntimeException e) {
        String message = e.getMessage();
        return message != null && message.contains(ServiceMonitor.AWAITING_SESSION) ? WAITING
                : "unavailable (" + message + ")";
    }
}
