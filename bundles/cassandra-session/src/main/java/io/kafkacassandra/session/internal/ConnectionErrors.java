package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import io.kafkacassandra.session.CassandraSettings;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Turns the driver's "could not reach any contact point" into the problem an operator has to fix: wrong
 * credentials, a TLS handshake that failed (untrusted certificate, missing client certificate, TLS on one side
 * only), or an unreachable node. The driver's messages name users and nodes, never passwords.
 */
public final class ConnectionErrors {
    private ConnectionErrors() {}

    public static String describe(CassandraSettings settings, RuntimeException e) {
        String where = "cannot connect to Cassandra at " + settings.contactPointsText() + " (data center "
                + settings.localDatacenter() + ")";
        Throwable auth = find(e, AuthenticationException.class);
        if (auth != null) {
            return where + ": authentication failed for "
                    + settings.username().map(u -> "user '" + u + "'").orElse("a client without credentials")
                    + ": " + auth.getMessage() + ". Check " + CassandraSettings.USERNAME + " and "
                    + CassandraSettings.PASSWORD;
        }
        Throwable tls = find(e, SSLException.class);
        if (tls != null) {
            return where + ": the TLS handshake failed (" + tls.getMessage() + "). "
                    + (settings.tls().isEmpty()
                            ? "TLS is off here (" + CassandraSettings.SSL_ENABLED + "): does the server require it?"
                            : "Check that " + CassandraSettings.SSL_TRUSTSTORE_PATH + " trusts the server's certificate"
                                    + " and, if the server requires client certificates, that "
                                    + CassandraSettings.SSL_KEYSTORE_PATH
                                    + " holds one it trusts");
        }
        if (settings.tls().isEmpty() && find(e, ClosedConnectionException.class) != null) {
            // A TLS node drops a plain-text handshake without a word.
            return where + ": " + e.getMessage() + ". The node closed the connection during the handshake: if it"
                    + " requires TLS, set " + CassandraSettings.SSL_ENABLED + "=true";
        }
        return where + ": " + e.getMessage();
    }

    /** The first throwable of {@code type} among the causes and, for the driver's summary, each node's errors. */
    static Throwable find(Throwable root, Class<? extends Throwable> type) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (type.isInstance(t)) {
                return t;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                todo.add(suppressed);
            }
            if (t instanceof AllNodesFailedException all) {
                all.getAllErrors().values().forEach(todo::addAll);
            }
        }
        return null;
    }
}
