package io.kafkacassandra.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A member whose lease lapses while Cassandra is frozen is told, and joins again by itself afterwards. */
class MembershipLeaseLossTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.isolated(b -> b.nodes(1));

    @Test
    void aMemberIsToldWhenItsLeaseLapsesAndRejoinsByItself() throws Exception {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofMillis(200))
                .requestTimeout(Duration.ofSeconds(2))
                .build();
        try (CqlSession session = TestKeyspaces.open(settings);
                CassandraGroupMembership member = new CassandraGroupMembership(session, settings, "brokers")) {
            MembershipEvents events = new MembershipEvents();
            member.addMembershipListener(events);
            member.join("7", "host7");
            long frozenAt = System.nanoTime();
            CASSANDRA.cluster().node(0).pause();
            try {
                MembershipEvents.Event lost = events.await("lost 7", 5_000);
                assertTrue((lost.nanos() - frozenAt) / 1_000_000
                        <= settings.leaseValidity().toMillis() + 200);
                assertFalse(member.isMember("7"));
                // Frozen past the TTL, so the row is gone when Cassandra comes back.
                Thread.sleep(settings.leaseTtl().toMillis());
            } finally {
                CASSANDRA.cluster().node(0).resume();
            }
            events.await("restored 7", 15_000);
            assertTrue(member.isMember("7"));
            assertEquals(Set.of("7"), member.membershipList());
            assertEquals("host7", member.membership().get("7"));
        }
    }
}
