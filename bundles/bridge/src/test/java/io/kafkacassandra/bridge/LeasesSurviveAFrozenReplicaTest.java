package io.kafkacassandra.bridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.election.CassandraLeaderElection;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.launcher.CassandraNode;
import io.kafkacassandra.membership.CassandraGroupMembership;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With replication factor 3, a frozen replica must not cost a leader its post or a member its place: a quorum
 * still answers. Regression test of the fault run, where a renewal sent to the frozen node (or queued behind a
 * poll waiting for it) hung until the request timeout and the lease lapsed at every freeze, so brokers dropped
 * out of their group and the controller moved on every frozen or restarting node.
 *
 * <p>Each of the three nodes is frozen in turn for 6 s. Before the fix every freeze cost both leases. Now at
 * most one of the three may: on this two-core machine a node that resumes can starve the other two and the
 * client for longer than the lease validity, which no client-side change can prevent. With the tests' usual
 * 2 s TTL (800 ms validity) a loaded clean-clone run once lost all three, hence 3 s here.
 */
class LeasesSurviveAFrozenReplicaTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA =
            CassandraExtension.isolated(b -> b.nodes(3).heapMb(384));

    @Test
    void aLeaderAndAMemberKeepTheirLeasesWhileEachReplicaInTurnIsFrozen() throws Exception {
        // A 3 s TTL (1.8 s validity): a renewal held by a frozen coordinator until the 5 s request timeout still
        // loses the lease at every freeze, while a resuming node's burst on two cores no longer does.
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .leaseTtl(Duration.ofSeconds(3))
                .pollPeriod(Duration.ofMillis(250))
                .build();
        try (CqlSession session = TestKeyspaces.open(settings);
                CassandraLeaderElection election = new CassandraLeaderElection(session, settings, "controller");
                CassandraGroupMembership group = new CassandraGroupMembership(session, settings, "brokers")) {
            List<String> lost = new CopyOnWriteArrayList<>();
            group.addMembershipListener(new LeaseAwareGroupMembershipClient.MembershipListener() {
                @Override
                public void membershipLost(String id) {
                    lost.add("membership of " + id);
                }

                @Override
                public void membershipRestored(String id) {}
            });
            AtomicInteger leadershipsLost = new AtomicInteger();
            AtomicReference<Optional<String>> told = new AtomicReference<>(Optional.empty());
            election.addListener(leader -> {
                if (told.getAndSet(leader).equals(Optional.of("leader")) && !leader.equals(Optional.of("leader"))) {
                    leadershipsLost.incrementAndGet();
                }
            });
            assertTrue(election.nominate("leader"));
            group.join("member", "data");
            long firstEpoch = election.heldLeadership("leader").orElseThrow().epoch();

            for (CassandraNode node : CASSANDRA.cluster().nodes()) {
                node.pause();
                try {
                    Thread.sleep(6_000);
                } finally {
                    node.resume();
                }
                Thread.sleep(4_000); // one fault at a time: the node is back before the next freezes
            }
            Leadership last = election.heldLeadership("leader").orElseThrow();
            System.out.println("over three freezes: " + leadershipsLost.get() + " leaderships lost (epoch " + firstEpoch
                    + " -> " + last.epoch() + "), memberships lost: " + lost);
            assertTrue(leadershipsLost.get() <= 1, leadershipsLost.get() + " leaderships lost over three freezes");
            assertTrue(lost.size() <= 1, "memberships lost over three freezes: " + lost);
            assertTrue(group.isMember("member"));
        }
    }
}
