package io.kafkacassandra.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.plugin.interfaces.MemberIdConflictException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GroupMembershipContractTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final Duration POLL = Duration.ofMillis(200);
    private static CassandraSettings settings;
    private static final List<CqlSession> SESSIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster()).pollPeriod(POLL).build();
        SESSIONS.add(TestKeyspaces.open(settings));
    }

    @AfterAll
    static void close() {
        SESSIONS.forEach(s -> {
            if (!s.isClosed()) {
                s.close();
            }
        });
    }

    private static CqlSession newSession() {
        CqlSession session = TestKeyspaces.open(settings);
        SESSIONS.add(session);
        return session;
    }

    private static CassandraGroupMembership client(String group) {
        return new CassandraGroupMembership(newSession(), settings, group);
    }

    @Test
    void membersJoinWithDataAndEveryoneReadsThem() {
        try (CassandraGroupMembership a = client("brokers");
                CassandraGroupMembership observer = client("brokers")) {
            assertEquals("brokers", a.group());
            assertEquals(Set.of(), observer.membershipList());
            a.join("1", "{\"host\":\"h1\",\"port\":9092}");
            a.join("2", "");
            assertEquals(Set.of("1", "2"), observer.membershipList());
            assertEquals(Map.of("1", "{\"host\":\"h1\",\"port\":9092}", "2", ""), observer.membership());
            assertTrue(a.isMember("1"));
            assertFalse(observer.isMember("1"), "a member of this client only where it joined");
        }
    }

    @Test
    void aSecondJoinOfALiveIdIsAConflictAndChangesNothing() {
        try (CassandraGroupMembership a = client("conflict");
                CassandraGroupMembership b = client("conflict")) {
            a.join("x", "from a");
            MemberIdConflictException e = assertThrows(MemberIdConflictException.class, () -> b.join("x", "from b"));
            assertEquals("x", e.id());
            assertEquals("conflict", e.group());
            assertThrows(MemberIdConflictException.class, () -> a.join("x", "again from a"));
            assertEquals(Map.of("x", "from a"), b.membership());
            b.leave("x"); // not b's member: nothing happens
            assertEquals(Set.of("x"), b.membershipList());
        }
    }

    @Test
    void leaveIsImmediateAndFreesTheId() {
        try (CassandraGroupMembership a = client("leaving");
                CassandraGroupMembership b = client("leaving")) {
            a.join("m", "a");
            a.leave("m");
            assertEquals(Set.of(), b.membershipList(), "gone at once, not after the TTL");
            assertFalse(a.isMember("m"));
            b.join("m", "b");
            assertEquals(Map.of("m", "b"), a.membership());
        }
    }

    @Test
    void membershipOutlivesManyTtlsWhileRenewed() throws Exception {
        try (CassandraGroupMembership a = client("renewed");
                CassandraGroupMembership observer = client("renewed")) {
            a.join("steady", "d");
            long end = System.nanoTime() + settings.leaseTtl().multipliedBy(3).toNanos();
            while (System.nanoTime() < end) {
                assertEquals(Set.of("steady"), observer.membershipList());
                assertTrue(a.isMember("steady"));
                Thread.sleep(200);
            }
        }
    }

    @Test
    void listenersHearJoinsAndLeaves() throws Exception {
        try (CassandraGroupMembership a = client("watched");
                CassandraGroupMembership b = client("watched");
                CassandraGroupMembership observer = client("watched")) {
            a.join("a", "");
            MembershipEvents events = new MembershipEvents();
            observer.addListener(events);
            events.await(Set.of("a"), 5_000);
            b.join("b", "");
            events.await(Set.of("a", "b"), 5_000);
            a.leave("a");
            events.await(Set.of("b"), 5_000);
        }
    }

    @Test
    void aCrashedMemberDisappearsWithinTheTtlAndItsProcessIsTold() throws Exception {
        CqlSession doomed = newSession();
        CassandraGroupMembership crashing = new CassandraGroupMembership(doomed, settings, "crash");
        try (CassandraGroupMembership observer = client("crash")) {
            MembershipEvents own = new MembershipEvents();
            crashing.addMembershipListener(own);
            crashing.join("c", "");
            MembershipEvents seen = new MembershipEvents();
            observer.addListener(seen);
            seen.await(Set.of("c"), 5_000);

            long crashedAt = System.nanoTime();
            doomed.close(); // the member can no longer reach Cassandra and never calls leave
            MembershipEvents.Event lost = own.await("lost c", 5_000);
            assertTrue(
                    (lost.nanos() - crashedAt) / 1_000_000
                            <= settings.leaseValidity().toMillis() + 300,
                    "the member's process is told by its local deadline");
            assertFalse(crashing.isMember("c"));
            MembershipEvents.Event gone = seen.await(Set.of(), 10_000);
            long goneMs = (gone.nanos() - crashedAt) / 1_000_000;
            System.out.println("crashed member gone for observers after " + goneMs + " ms");
            assertTrue(
                    goneMs <= settings.leaseTtl().plus(POLL).toMillis() + 1_000,
                    "gone after " + goneMs + " ms: more than TTL + one poll period (+1 s slack)");
        } finally {
            crashing.close();
        }
    }

    @Test
    void closeLeavesTheGroupAndLeavesNoThread() {
        CassandraGroupMembership a = client("closing");
        try (CassandraGroupMembership observer = client("closing")) {
            a.join("a", "");
            a.close();
            a.close();
            assertEquals(Set.of(), observer.membershipList());
            assertThrows(IllegalStateException.class, () -> a.join("b", ""));
        }
        assertEquals(
                0,
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive()
                                && t.getName().startsWith("kafka-cassandra-group")
                                && t.getName().contains("-closing-"))
                        .count());
    }

    @Test
    void badInputIsRefused() {
        CqlSession session = SESSIONS.get(0);
        assertThrows(IllegalArgumentException.class, () -> new CassandraGroupMembership(session, settings, null));
        try (CassandraGroupMembership c = new CassandraGroupMembership(session, settings, "input")) {
            assertThrows(IllegalArgumentException.class, () -> c.join("", "d"));
            assertThrows(IllegalArgumentException.class, () -> c.join("tab\there", "d"));
            assertThrows(IllegalArgumentException.class, () -> c.join("ok", null));
            assertThrows(IllegalArgumentException.class, () -> c.join("ok", "x".repeat(settings.maxValueBytes() + 1)));
            assertThrows(IllegalArgumentException.class, () -> c.leave("\u0000"));
            assertThrows(IllegalArgumentException.class, () -> c.init("ctx"));
            assertEquals(Set.of(), c.membershipList(), "nothing joined by the refused calls");
        }
    }
}
