package io.kafkacassandra.session.internal;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.CASWriteUnknownException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;

/**
 * Runs the services' statements and turns driver errors into the plugin's error types.
 *
 * <p>Reads have no effect, so any failure is {@link StoreUnavailableException}. A conditional write either gets an
 * answer, fails in a way that proves it never ran (no node, unavailable replicas, overload, a refused query:
 * {@link StoreUnavailableException}), or fails in a way that leaves its outcome unknown (a timeout, a lost
 * connection, Cassandra's CAS-unknown error). An unknown outcome is never guessed: {@link #resolve} asks a
 * linearizable read, which in Paxos v2 also settles a half-done proposal for good.
 */
public final class CqlRunner {
    private static final int RESOLVE_ATTEMPTS = 3;

    private final CqlSession session;
    private final ServiceMonitor monitor;

    /** A runner that counts unknown outcomes in {@code monitor}. */
    public CqlRunner(CqlSession session, ServiceMonitor monitor) {
        this.session = session;
        this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    public CqlSession session() {
        return session;
    }

    /** Runs a read (or any statement without side effects), idempotent, in the read profile. */
    public ResultSet read(Statement<?> statement, String what) {
        try {
            return session.execute(asRead(statement));
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    /** The statement as an idempotent read of {@link SessionFactory#READ_PROFILE}. */
    public static Statement<?> asRead(Statement<?> statement) {
        return statement.setIdempotent(true).setExecutionProfileName(SessionFactory.READ_PROFILE);
    }

    /** The answer of a conditional write, or the reason its outcome is unknown. */
    public record Attempt(ResultSet result, RuntimeException unknownCause) {
        public boolean answered() {
            return result != null;
        }
    }

    /**
     * Runs a conditional write.
     *
     * @throws StoreUnavailableException if the write certainly did not run
     */
    public Attempt write(Statement<?> statement, String what) {
        try {
            return new Attempt(session.execute(statement), null);
        } catch (RuntimeException e) {
            if (certainlyNotApplied(e)) {
                throw unavailable(what, e);
            }
            monitor.unknownOutcome();
            return new Attempt(null, e);
        }
    }

    /**
     * Settles an unknown outcome with {@code check}, a linearizable read; the read is tried a few times while the
     * store is unreachable.
     *
     * @return {@link Resolution#APPLIED} or {@link Resolution#NOT_APPLIED}
     * @throws OutcomeUnknownException when no read succeeds
     */
    public Resolution resolve(String what, RuntimeException cause, Supplier<Resolution> check) {
        StoreUnavailableException lastReadFailure = null;
        for (int attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
            try {
                return check.get();
            } catch (StoreUnavailableException e) {
                lastReadFailure = e;
                sleepQuietly(100L << attempt);
            }
        }
        OutcomeUnknownException unknown = new OutcomeUnknownException(
                what + ": the write may or may not have"
                        + " taken effect (" + describe(cause) + ") and a linearizable read could not settle it: "
                        + lastReadFailure.getMessage() + "; read the current state before acting on it",
                cause);
        throw unknown;
    }

    static boolean certainlyNotApplied(RuntimeException e) {
        return e instanceof NoNodeAvailableException
                || e instanceof UnavailableException
                || e instanceof OverloadedException
                || e instanceof BootstrappingException
                || e instanceof RequestThrottlingException
                || e instanceof BusyConnectionException
                || e instanceof InvalidQueryException
                || e instanceof UnauthorizedException
                || e instanceof IllegalStateException // session closed
                || e instanceof AllNodesFailedException all
                        && all.getAllErrors().values().stream()
                                .flatMap(java.util.List::stream)
                                .allMatch(t -> t instanceof RuntimeException r && certainlyNotApplied(r)
                                        || t instanceof java.net.ConnectException);
    }

    /** Why the statements of {@code table} could not be prepared: a closed session, or most likely no schema. */
    public static StoreUnavailableException cannotPrepare(CqlSession session, String table, RuntimeException e) {
        if (session.isClosed()) {
            return new StoreUnavailableException(
                    "cannot prepare the statements of " + table + ": the Cassandra"
                            + " session was closed (replaced by a new configuration?); try again",
                    e);
        }
        return new StoreUnavailableException(
                "cannot prepare the statements of " + table + " (does the schema exist? see schema.cql): "
                        + e.getMessage(),
                e);
    }

    public static StoreUnavailableException unavailable(String what, RuntimeException e) {
        if (e instanceof StoreUnavailableException s) {
            return s;
        }
        return new StoreUnavailableException(what + " failed: " + describe(e), e);
    }

    public static String describe(RuntimeException e) {
        if (e instanceof DriverTimeoutException) {
            return "no answer from Cassandra in time";
        }
        if (e instanceof CASWriteUnknownException) {
            return "Cassandra could not tell whether the lightweight transaction was applied";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
