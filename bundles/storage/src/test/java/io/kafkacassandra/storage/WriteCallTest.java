package io.kafkacassandra.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import io.kafkacassandra.session.internal.CqlRunner;
import io.kafkacassandra.session.monitoring.ServiceMonitor;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.junit.jupiter.api.Test;

/**
 * What a call concludes from a key without a row after an attempt of unknown outcome (pure logic: every write
 * times out). The row may be gone because a deletion marker was purged, which raised the namespace's floor to
 * the marker's version; a delete leaves its marker at its own target, so a floor at that target may be its own.
 */
class WriteCallTest {
    private static final SimpleStatement ANY = SimpleStatement.newInstance("UPDATE kv SET value = ? IF ...");

    @Test
    void aDeleteWhoseMarkerMayHaveBeenPurgedIsUnknownNotUndone() {
        WriteCall delete = new WriteCall("delete /t/k", timingOut(), true, () -> {});
        assertNull(delete.write(ANY, 3, delete.newId())); // live version 2 -> marker 3, outcome unknown
        // No row, floor 3: this delete's marker may have landed and been purged (or another delete's at 3).
        assertThrows(OutcomeUnknownException.class, () -> delete.isOwn(3, null, false));
    }

    @Test
    void aDeleteBelowTheFloorNeverLandsAnyMore() {
        WriteCall delete = new WriteCall("delete /t/k", timingOut(), true, () -> {});
        assertNull(delete.write(ANY, 3, delete.newId()));
        assertFalse(delete.isOwn(2, null, false));
        assertFalse(delete.hasPending());
    }

    @Test
    void anUpdateWhoseTargetIsTheFloorNeverLanded() {
        WriteCall update = new WriteCall("update /t/k", timingOut(), false, () -> {});
        assertNull(update.write(ANY, 3, update.newId()));
        // Another delete of version 2 left its marker at 3, purged since: this update needed version 2 live.
        assertFalse(update.isOwn(3, null, false));
        assertFalse(update.hasPending());
    }

    @Test
    void aCreationJustAboveTheFloorMayStillLand() {
        WriteCall put = new WriteCall("put /t/k", timingOut(), false, () -> {});
        assertNull(put.write(ANY, 4, put.newId())); // created above the floor 3
        assertFalse(put.isOwn(3, null, false));
        assertTrue(put.hasPending());
        // Floor 5: it may have landed at 4, then been deleted (marker 5) and purged.
        assertThrows(OutcomeUnknownException.class, () -> put.isOwn(5, null, false));
    }

    @Test
    void aWriteOfUnknownOutcomeIsAnnouncedAgainWhenAReadShowsIt() {
        AtomicInteger announced = new AtomicInteger();
        WriteCall put = new WriteCall("put /t/k", timingOut(), false, announced::incrementAndGet);
        java.util.UUID id = put.newId();
        assertNull(put.write(ANY, 1, id));
        assertEquals(1, announced.get(), "when the outcome is unknown: it may be readable already");
        assertTrue(put.isOwn(1, id, true));
        assertEquals(2, announced.get(), "once a linearizable read shows it, surely readable");
    }

    /** A runner whose every write times out at the Paxos stage: its outcome is unknown. */
    private static CqlRunner timingOut() {
        CqlSession session = (CqlSession) Proxy.newProxyInstance(
                WriteCallTest.class.getClassLoader(), new Class<?>[] {CqlSession.class}, (proxy, method, args) -> {
                    throw new WriteTimeoutException(null, ConsistencyLevel.SERIAL, 0, 2, WriteType.CAS);
                });
        return new CqlRunner(session, new ServiceMonitor("Storage", "write-call-test"));
    }
}
