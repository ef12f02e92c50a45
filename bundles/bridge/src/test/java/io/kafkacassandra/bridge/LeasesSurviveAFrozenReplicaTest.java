package io.kafkacassandra.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.plugin.interfaces.LeaseAwareGroupMembershipClient;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With replication factor 3, one frozen replica must not cost a leader its post or a member its place: a quorum
 * still answers. Regression test of the fault run, where a renewal sent to the frozen node (or queued behind a
 * poll waiting for it) hung until the request timeout and the lease lapsed, so brokers dropped out of their group
 * and the controller moved on every frozen or restarting node.
 */
class LeasesSurviveAFrozenReplicaTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.isolated(b -> b.nodes(3).heapMb(384));

    @Test
    void aLeaderAndAMemberKeepTheirLeasesWhileEachReplicaInTurnIsFrozen() throws Exception {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofMillis(250)).build();
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
                public void membershipRestored(String id) {
                }
            });
            assertTrue(election.nominate("leader"));
            group.join("member", "data");
            Leadership held = election.heldLeadership("leader").orElseThrow();

            AtomicInteger gaps = new AtomicInteger();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (!election.heldLeadership("leader").equals(java.util.Optional.of(held))) {
                        gaps.incrementAndGet();
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            try {
                for (CassandraNode node : CASSANDRA.cluster().nodes()) {
                    node.pause();
                    try {
                        Thread.sleep(6_000);
                    } finally {
                        node.resume();
                    }
                    Thread.sleep(4_000); // one fault at a time: the node is back before the next freezes
                }
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            assertEquals(0, gaps.get(), "samples in which the leader did not hold its lease of epoch " + held.epoch());
            assertEquals(List.of(), lost);
            assertTrue(group.isMember("member"));
        }
    }
}
