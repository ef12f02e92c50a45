package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.election.LeaderElectionTable.State;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.LeadershipListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader signal that listeners get cannot lie: events in epoch order, never a leadership again after its
 * end, whatever the order in which reads come back. Stale and delayed reads are replayed through the client's
 * read hook, so each race happens on every run.
 */
class LeaderSignalTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static CassandraSettings settings;
    private static final List<CqlSession> SESSIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void open() {
        settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofMillis(100))
                .build();
    }

    @AfterAll
    static void close() {
        SESSIONS.forEach(CqlSession::close);
    }

    private static CassandraLeaderElection client(String service) {
        CqlSession session = TestKeyspaces.open(settings);
        SESSIONS.add(session);
        return new CassandraLeaderElection(session, settings, service);
    }

    /** Records every leadership event. */
    static final class Recorder implements LeadershipListener {
        final List<Optional<Leadership>> events = new CopyOnWriteArrayList<>();

        @Override
        public void onLeadershipChange(Optional<Leadership> leadership) {
            events.add(leadership);
        }

        void awaitLast(Optional<Leadership> expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.isEmpty() || !events.get(events.size() - 1).equals(expected)) {
                assertTrue(System.nanoTime() < deadline, "not told " + expected + "; told " + events);
                Thread.sleep(10);
            }
        }
    }

    private static boolean onWorker(String service) {
        return Thread.currentThread().getName().startsWith("kafka-cassandra-election-" + service + "-");
    }

    /**
     * A poll that read the post before the leader resigned comes back after the resignation: it must not tell
     * the listeners that the resigned candidate leads (it did, since the candidate was no longer this client's).
     */
    @Test
    void aPollThatReadBeforeTheResignationDoesNotAnnounceTheResignedLeader() throws Exception {
        try (CassandraLeaderElection election = client("resigned-read")) {
            Recorder recorder = new Recorder();
            election.addListener(recorder);
            assertTrue(election.nominate("x"));
            Leadership held = election.heldLeadership("x").orElseThrow();
            recorder.awaitLast(Optional.of(held));

            CountDownLatch readDone = new CountDownLatch(1);
            CountDownLatch resigned = new CountDownLatch(1);
            election.readHook = state -> {
                if (onWorker("resigned-read") && state.lease() != null && readDone.getCount() > 0) {
                    readDone.countDown();
                    await(resigned); // the poll's read predates the resignation, its result comes after
                }
                return state;
            };
            assertTrue(readDone.await(5, TimeUnit.SECONDS), "no poll read the post");
            election.resign("x");
            resigned.countDown();
            Thread.sleep(500); // several polls

            // The first event is the vacant post the listener found at registration.
            assertEquals(List.of(Optional.empty(), Optional.of(held), Optional.empty()), recorder.events);
        }
    }

    /**
     * Reads at TTL expiry disagree between coordinators: after one showed the post vacant, another may still
     * show the old lease. Listeners must not flap back to the old leadership.
     */
    @Test
    void aStaleReadAfterAVacancyDoesNotBringTheOldLeaderBack() throws Exception {
        try (CassandraLeaderElection leader = client("flap");
                CassandraLeaderElection observer = client("flap")) {
            AtomicReference<State> leased = new AtomicReference<>();
            observer.readHook = state -> {
                if (state.lease() != null) {
                    leased.set(state);
                }
                return state;
            };
            Recorder recorder = new Recorder();
            observer.addListener(recorder);
            assertTrue(leader.nominate("x"));
            Leadership held = leader.heldLeadership("x").orElseThrow();
            recorder.awaitLast(Optional.of(held));

            leader.resign("x");
            recorder.awaitLast(Optional.empty());
            int told = recorder.events.size();
            State stale = leased.get();
            observer.readHook = state -> stale; // every coordinator the observer asks still has the old lease
            Thread.sleep(500);

            assertEquals(
                    List.of(Optional.of(held), Optional.empty()),
                    recorder.events.subList(told - 2, recorder.events.size()),
                    "told " + recorder.events);
            assertEquals(Optional.empty(), observer.getLeader());
        }
    }

    /**
     * A session swap replaces the client: the new one starts where the old one's listeners are in epoch order.
     * Here the leader stopped leading (Cassandra showed its post vacant) while its lease is still in Cassandra:
     * the new client's first poll reads that lease and must not tell the listeners that it leads again.
     */
    @Test
    void aClientOnANewSessionContinuesTheEpochOrderOfTheOldOne() throws Exception {
        Recorder recorder = new Recorder();
        Leadership held;
        CassandraLeaderElection.EpochOrder order;
        try (CassandraLeaderElection old = client("swap")) {
            old.addListener(recorder);
            assertTrue(old.nominate("x"));
            held = old.heldLeadership("x").orElseThrow();
            recorder.awaitLast(Optional.of(held));
            // A coordinator whose clock runs ahead shows the post vacant: the leader stops leading at once.
            old.readHook = state -> onWorker("swap") ? new State(null, null, state.epoch()) : state;
            recorder.awaitLast(Optional.empty());
            assertEquals(Optional.empty(), old.heldLeadership("x"));
            old.removeListener(recorder);
            order = old.epochOrder();
        }
        int told = recorder.events.size();
        try (CassandraLeaderElection next = client("swap")) {
            assertTrue(next.continueFrom(order));
            next.addInformedListener(recorder);
            Thread.sleep(500); // polls that read the post: vacant after the release of close(), or still x's
            assertEquals(told, recorder.events.size(), "told " + recorder.events);
        }
    }

    /** Successive leaderships arrive with their epochs, in epoch order, to a listener of another client. */
    @Test
    void aLeadershipListenerHearsEachLeadershipWithItsEpochInOrder() throws Exception {
        try (CassandraLeaderElection a = client("order");
                CassandraLeaderElection b = client("order");
                CassandraLeaderElection observer = client("order")) {
            Recorder recorder = new Recorder();
            observer.addListener(recorder);
            recorder.awaitLast(Optional.empty());
            assertTrue(a.nominate("a"));
            Leadership first = a.heldLeadership("a").orElseThrow();
            recorder.awaitLast(Optional.of(first));
            assertTrue(!b.nominate("b"));
            a.resign("a");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (b.heldLeadership("b").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "b did not take the vacant post");
                Thread.sleep(10);
            }
            Leadership second = b.heldLeadership("b").orElseThrow();
            recorder.awaitLast(Optional.of(second));

            assertEquals(first.epoch() + 1, second.epoch());
            long last = -1;
            for (Optional<Leadership> event : recorder.events) {
                long previous = last;
                long rank = event.map(l -> 2 * l.epoch()).orElseGet(() -> previous < 0 ? 1 : previous | 1);
                assertTrue(rank > last, "out of epoch order: " + recorder.events);
                last = rank;
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
