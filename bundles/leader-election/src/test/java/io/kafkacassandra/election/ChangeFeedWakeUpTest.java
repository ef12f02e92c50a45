package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A resignation wakes the other clients at once through the change feed: their polls run every 30 s here, so a
 * hand-over told within seconds was told because the resigning leader's hint woke the waiting candidate, and a
 * new leader's hint woke the observer.
 */
class ChangeFeedWakeUpTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final long WAIT_MS = 5_000;

    @Test
    void aResignationHandsOverWithinSecondsNotAPollPeriod() throws Exception {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofSeconds(30))
                .build();
        try (CqlSession a = TestKeyspaces.open(settings);
                CqlSession b = TestKeyspaces.open(settings);
                CqlSession c = TestKeyspaces.open(settings);
                CassandraLeaderElection leader = new CassandraLeaderElection(a, settings, "controller");
                CassandraLeaderElection candidate = new CassandraLeaderElection(b, settings, "controller");
                CassandraLeaderElection observer = new CassandraLeaderElection(c, settings, "controller")) {
            assertTrue(leader.nominate("a"));
            Events seenByCandidate = new Events();
            Events seenByObserver = new Events();
            candidate.addListener(seenByCandidate);
            observer.addListener(seenByObserver);
            assertFalse(candidate.nominate("b"), "a leads");
            seenByObserver.await(Optional.of("a"), WAIT_MS); // its first poll, at once

            leader.resign("a");
            seenByCandidate.await(Optional.of("b"), WAIT_MS);
            seenByObserver.await(Optional.of("b"), WAIT_MS);

            // Nobody waits now: the observer sees the post vacant (the release's hint), then a new leader that only
            // the acquisition's hint can tell it about.
            candidate.resign("b");
            seenByObserver.await(Optional.empty(), WAIT_MS);
            assertTrue(leader.nominate("c"));
            seenByObserver.await(Optional.of("c"), WAIT_MS);
        }
    }
}
