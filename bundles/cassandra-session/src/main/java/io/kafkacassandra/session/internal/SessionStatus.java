package io.kafkacassandra.session.internal;

import java.util.Optional;

/**
 * Why the container has no Cassandra session right now, for the services' health and the status command: the
 * last error of {@link SessionOpener} (a wrong setting, wrong credentials, an untrusted certificate, no node
 * reachable), never a secret. One session per container (its configuration PID), hence one status.
 */
public final class SessionStatus {
    private static volatile String problem;

    private SessionStatus() {}

    /** A configuration value that cannot be used: no attempt is made until the configuration changes. */
    public static void reportInvalidConfiguration(String pid, String reason) {
        problem = "configuration " + pid + " cannot be used: " + reason;
    }

    /** The session was closed: its configuration was removed or is being replaced. */
    public static void reportClosed(String pid) {
        problem = "the session was closed (configuration " + pid + " was removed or is being replaced)";
    }

    static void report(String reason) {
        problem = reason;
    }

    static void clear() {
        problem = null;
    }

    public static Optional<String> problem() {
        return Optional.ofNullable(problem);
    }
}
