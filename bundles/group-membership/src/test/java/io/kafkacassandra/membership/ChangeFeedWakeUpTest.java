package io.kafkacassandra.membership;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A join and a leave wake the group's watchers in other clients at once through the change feed: their polls
 * run every 30 s here, so a change told within seconds was told because the member's hint woke the watcher.
 */
class ChangeFeedWakeUpTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final long WAIT_MS = 5_000;

    @Test
    void aJoinAndALeaveReachAnotherClientWithinSecondsNotAPollPeriod() throws Exception {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofSeconds(30))
                .build();
        try (CqlSession a = TestKeyspaces.open(settings);
                CqlSession b = TestKeyspaces.open(settings);
                CassandraGroupMembership member = new CassandraGroupMembership(a, settings, "brokers");
                CassandraGroupMembership watcher = new CassandraGroupMembership(b, settings, "brokers")) {
            MembershipEvents events = new MembershipEvents();
            watcher.addListener(events);
            events.await(Set.of(), WAIT_MS); // its first poll, at once

            member.join("1", "broker 1");
            events.await(Set.of("1"), WAIT_MS);
            member.leave("1");
            events.await(Set.of(), WAIT_MS);
        }
    }
}
