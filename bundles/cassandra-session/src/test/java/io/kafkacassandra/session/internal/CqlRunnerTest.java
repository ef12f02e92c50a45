package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/** Pure logic: which failures prove a write never ran, and how unknown outcomes are settled. */
class CqlRunnerTest {
    private final CqlRunner runner = new CqlRunner(null, new ServiceMonitor("Test", "cql-runner"));

    @Test
    void timeoutsLeaveTheOutcomeUnknownWhileRefusalsProveNothingRan() {
        ConsistencyLevel quorum = DefaultConsistencyLevel.QUORUM;
        assertFalse(CqlRunner.certainlyNotApplied(new WriteTimeoutException(null, quorum, 1, 2, WriteType.CAS)));
        assertFalse(CqlRunner.certainlyNotApplied(new DriverTimeoutException("late")));
        assertTrue(CqlRunner.certainlyNotApplied(new NoNodeAvailableException()));
        assertTrue(CqlRunner.certainlyNotApplied(new IllegalStateException("Session is closed")));
    }

    @Test
    void aDecisiveReadSettlesTheOutcome() {
        RuntimeException cause = new DriverTimeoutException("late");
        assertEquals(Resolution.APPLIED, runner.resolve("w", cause, () -> Resolution.APPLIED));
        assertEquals(Resolution.NOT_APPLIED, runner.resolve("w", cause, () -> Resolution.NOT_APPLIED));
    }

    @Test
    void readsAreRetriedThenTheOutcomeIsReportedUnknownNeverGuessed() {
        RuntimeException cause = new DriverTimeoutException("late");
        AtomicInteger reads = new AtomicInteger();
        assertEquals(Resolution.APPLIED, runner.resolve("w", cause, () -> {
            if (reads.incrementAndGet() < 3) {
                throw new StoreUnavailableException("down");
            }
            return Resolution.APPLIED;
        }));
        OutcomeUnknownException unreadable = assertThrows(
                OutcomeUnknownException.class,
                () -> runner.resolve("put /k", cause, () -> {
                    throw new StoreUnavailableException("still down");
                }));
        assertSame(cause, unreadable.getCause());
        assertTrue(unreadable.getMessage().startsWith("put /k: the write may or may not have taken effect"));
        assertTrue(unreadable.getMessage().contains("still down"), unreadable.getMessage());
    }
}
