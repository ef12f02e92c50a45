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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A renewal on its way while the member leaves: the renewal is refused (the row is gone), which must not be
 * taken for a lost lease: no {@code membershipLost}, no join again, the member stays out. The renewal is held
 * at the moment it is sent through the client's hook, so the race happens on every run.
 */
class LeaveDuringRenewalTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    @Test
    void aRenewalRefusedBecauseTheMemberLeftNeitherLosesNorRestoresIt() throws Exception {
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster())
                .pollPeriod(Duration.ofMillis(100))
                .build();
        try (CqlSession session = TestKeyspaces.open(settings);
                CassandraGroupMembership member = new CassandraGroupMembership(session, settings, "leaving")) {
            MembershipEvents events = new MembershipEvents();
            member.addMembershipListener(events);
            member.join("7", "host7");

            CountDownLatch renewalHeld = new CountDownLatch(1);
            CountDownLatch left = new CountDownLatch(1);
            member.beforeRenewal = () -> {
                if (renewalHeld.getCount() > 0) {
                    renewalHeld.countDown();
                    await(left);
                }
            };
            assertTrue(renewalHeld.await(5, TimeUnit.SECONDS), "no renewal was sent");
            member.leave("7");
            left.countDown();
            Thread.sleep(1_000); // several renewal periods

            assertTrue(events.queue.isEmpty(), "told " + events.queue);
            assertFalse(member.isMember("7"));
            assertEquals(Set.of(), member.membershipList());
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
