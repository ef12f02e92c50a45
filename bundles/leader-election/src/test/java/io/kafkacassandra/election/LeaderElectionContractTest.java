package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderElectionContractTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    static final Duration POLL = Duration.ofMillis(200);
    private static CassandraSettings settings;
    private static final List<CqlSession> SESSIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster()).pollPeriod(POLL).build();
        SESSIONS.add(TestKeyspaces.open(settings));
    }

    @AfterAll
    static void close() {
        SESSIONS.forEach(CqlSession::close);
    }

    /** A client with a session of its own, as a separate broker would have. */
    private static CassandraLeaderElection client(String service) {
        CqlSession session = TestKeyspaces.open(settings);
        SESSIONS.add(session);
        return new CassandraLeaderElection(session, settings, service);
    }

    @Test
    void aLoneCandidateWinsAndEveryoneSeesIt() {
        try (CassandraLeaderElection a = client("alone");
                CassandraLeaderElection observer = client("alone")) {
            assertEquals("alone", a.service());
            assertEquals(Optional.empty(), observer.getLeader());
            assertTrue(a.nominate("broker-1"));
            assertTrue(a.nominate("broker-1"), "nominating the leader again keeps it leader");
            assertEquals(Optional.of("broker-1"), observer.getLeader());
            assertEquals(Optional.of("broker-1"), a.getLeader());
            Leadership held = a.heldLeadership("broker-1").orElseThrow();
            assertEquals(
                    new Leadership("alone", "broker-1", held.epoch()),
                    observer.currentLeadership().orElseThrow());
            assertTrue(held.epoch() >= 1);
            assertEquals(Optional.empty(), observer.heldLeadership("broker-1"), "held only where the lease is");
        }
    }

    @Test
    void theLeaderKeepsItsLeaseAcrossManyTtls() throws Exception {
        try (CassandraLeaderElection a = client("renewed");
                CassandraLeaderElection b = client("renewed")) {
            assertTrue(a.nominate("a"));
            long epoch = a.heldLeadership("a").orElseThrow().epoch();
            assertFalse(b.nominate("b"));
            long end = System.nanoTime() + settings.leaseTtl().multipliedBy(3).toNanos();
            while (System.nanoTime() < end) {
                assertEquals(Optional.of(new Leadership("renewed", "a", epoch)), a.heldLeadership("a"));
                assertEquals(Optional.empty(), b.heldLeadership("b"));
                Thread.sleep(100);
            }
            assertEquals(Optional.of("a"), b.getLeader());
        }
    }

    @Test
    void resignHandsOverToAWaitingCandidateWithAHigherEpoch() throws Exception {
        try (CassandraLeaderElection a = client("handover");
                CassandraLeaderElection b = client("handover")) {
            Events heardByB = new Events();
            b.addListener(heardByB);
            assertTrue(a.nominate("a"));
            long first = a.heldLeadership("a").orElseThrow().epoch();
            assertFalse(b.nominate("b"), "the post is taken: b waits");
            heardByB.await(Optional.of("a"), 5_000);

            a.resign("b"); // not a's leader id, and b is not a's candidate: ignored
            b.resign("b"); // b does not lead: ignored
            assertEquals(Optional.of("a"), b.getLeader());

            a.resign("a");
            assertEquals(Optional.empty(), a.heldLeadership("a"), "resign takes effect at once");
            heardByB.await(Optional.of("b"), settings.pollPeriod().toMillis() + 5_000);
            Leadership second = b.heldLeadership("b").orElseThrow();
            assertTrue(second.epoch() > first, second + " after epoch " + first);
            assertEquals(Optional.of("b"), a.getLeader());
            Thread.sleep(settings.leaseTtl().toMillis());
            assertEquals(Optional.empty(), a.heldLeadership("a"), "a resigned candidate does not run again");
        }
    }

    @Test
    void manyCandidatesHaveOneLeaderAtATimeAndEpochsOnlyGrow() throws Exception {
        int count = 5;
        List<CassandraLeaderElection> clients = new ArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        List<String> overlaps = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(client("crowd"));
            }
            List<Thread> threads = new ArrayList<>();
            List<Boolean> won = new CopyOnWriteArrayList<>();
            for (int i = 0; i < count; i++) {
                CassandraLeaderElection c = clients.get(i);
                String id = "c" + i;
                Thread t = new Thread(() -> won.add(c.nominate(id)));
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, won.stream().filter(w -> w).count(), "exactly one nomination wins: " + won);

            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    List<Leadership> holders = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        clients.get(i).heldLeadership("c" + i).ifPresent(holders::add);
                    }
                    if (holders.size() > 1) {
                        overlaps.add(holders.toString());
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            List<Long> epochs = new ArrayList<>();
            for (int round = 0; round < 6; round++) {
                Leadership leader = awaitSomeLeader(clients, count, 10_000);
                epochs.add(leader.epoch());
                int index = Integer.parseInt(leader.leader().substring(1));
                clients.get(index).resign(leader.leader());
                clients.get(index).nominate(leader.leader()); // eligible again, may or may not win
                awaitLeaderOtherThan(clients, count, leader, 10_000);
            }
            sampling.set(false);
            sampler.join();
            assertEquals(List.of(), overlaps, "two clients believed they led at the same time");
            for (int i = 1; i < epochs.size(); i++) {
                assertTrue(epochs.get(i) > epochs.get(i - 1), "epochs " + epochs);
            }
        } finally {
            sampling.set(false);
            clients.forEach(CassandraLeaderElection::close);
        }
    }

    private static Leadership awaitSomeLeader(List<CassandraLeaderElection> clients, int count, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < count; i++) {
                Optional<Leadership> held = clients.get(i).heldLeadership("c" + i);
                if (held.isPresent()) {
                    return held.get();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leader within " + timeoutMs + " ms");
    }

    private static void awaitLeaderOtherThan(
            List<CassandraLeaderElection> clients, int count, Leadership old, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            Leadership now = awaitSomeLeader(clients, count, timeoutMs);
            if (now.epoch() != old.epoch()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no new leader after " + old);
    }

    @Test
    void closeReleasesTheLeaseAtOnceAndLeavesNoThread() throws Exception {
        CassandraLeaderElection a = client("closing");
        try (CassandraLeaderElection b = client("closing")) {
            Events heardByB = new Events();
            b.addListener(heardByB);
            assertTrue(a.nominate("a"));
            assertFalse(b.nominate("b"));
            heardByB.await(Optional.of("a"), 5_000);
            long closedAt = System.nanoTime();
            a.close();
            a.close();
            Events.Event took = heardByB.await(Optional.of("b"), 5_000);
            long millis = (took.nanos() - closedAt) / 1_000_000;
            assertTrue(
                    millis < settings.leaseTtl().toMillis(),
                    "released, not expired: b took over " + millis + " ms after close");
            assertThrows(IllegalStateException.class, () -> a.nominate("a"));
        }
        assertEquals(
                0,
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive()
                                && t.getName().contains("election")
                                && t.getName().endsWith("closing-1"))
                        .count());
    }

    @Test
    void badIdsAreRefused() {
        CqlSession session = SESSIONS.get(0);
        assertThrows(IllegalArgumentException.class, () -> new CassandraLeaderElection(session, settings, ""));
        assertThrows(IllegalArgumentException.class, () -> new CassandraLeaderElection(session, settings, "a\nb"));
        try (CassandraLeaderElection c = new CassandraLeaderElection(session, settings, "ids")) {
            assertThrows(IllegalArgumentException.class, () -> c.nominate(null));
            assertThrows(IllegalArgumentException.class, () -> c.nominate("x".repeat(256)));
            assertThrows(IllegalArgumentException.class, () -> c.nominate("\u0007"));
            assertThrows(IllegalArgumentException.class, () -> c.init(new Object()));
            assertEquals(Optional.empty(), c.getLeader(), "nothing was nominated by the refused calls");
        }
    }
}
