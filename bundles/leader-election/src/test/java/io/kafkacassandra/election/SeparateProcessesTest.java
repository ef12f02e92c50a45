package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.launcher.ChildJvm;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Candidates in JVMs of their own; the leader's JVM is killed with SIGKILL, without close(). */
class SeparateProcessesTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = CassandraExtension.shared(1);

    private static final Duration POLL = Duration.ofMillis(200);

    @Test
    void aKilledLeaderIsReplacedWithinTheTtlAndOnePollPeriod() throws Exception {
        CassandraSettings settings =
                TestKeyspaces.settings(CASSANDRA.cluster()).pollPeriod(POLL).build();
        List<ChildJvm> processes = new ArrayList<>();
        Path logs = Files.createDirectories(Path.of("target", "candidates"));
        try (CqlSession session = TestKeyspaces.open(settings);
                CassandraLeaderElection observer = new CassandraLeaderElection(session, settings, "controller")) {
            for (int i = 0; i < 3; i++) {
                processes.add(start(settings, "broker-" + i, logs));
            }
            for (ChildJvm p : processes) {
                p.awaitLine("READY", Duration.ofSeconds(60));
            }
            Leadership first = awaitLeadership(observer, Optional.empty(), 10_000);
            int index = Integer.parseInt(first.leader().substring("broker-".length()));
            processes.get(index).awaitLine("LEADER " + first.epoch(), Duration.ofSeconds(10));

            long killedAt = System.nanoTime();
            processes.get(index).kill();
            Leadership second = awaitLeadership(observer, Optional.of(first), 15_000);
            long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("failover after SIGKILL of the leader's JVM: " + failoverMs + " ms");

            assertNotEquals(first.leader(), second.leader());
            assertTrue(second.epoch() > first.epoch(), second + " after " + first);
            long bound = settings.leaseTtl().plus(POLL).toMillis() + 1_000; // + one SERIAL read and scheduling slack
            assertTrue(
                    failoverMs <= bound,
                    "failover took " + failoverMs + " ms, more than TTL + poll period (" + bound + " ms with slack)");
            int newIndex = Integer.parseInt(second.leader().substring("broker-".length()));
            processes.get(newIndex).awaitLine("LEADER " + second.epoch(), Duration.ofSeconds(10));
        } finally {
            processes.forEach(ChildJvm::close);
        }
    }

    private static Leadership awaitLeadership(
            CassandraLeaderElection observer, Optional<Leadership> not, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            Optional<Leadership> now = observer.currentLeadership();
            if (now.isPresent() && !now.equals(not)) {
                return now.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader other than " + not + " within " + timeoutMs + " ms");
    }

    private static ChildJvm start(CassandraSettings settings, String candidate, Path logs) {
        InetSocketAddress point = settings.contactPoints().get(0);
        return ChildJvm.start(
                candidate,
                List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                CandidateMain.class.getName(),
                List.of(
                        point.getHostString(),
                        Integer.toString(point.getPort()),
                        settings.keyspace(),
                        Long.toString(POLL.toMillis()),
                        "controller",
                        candidate),
                logs.resolve(candidate + ".log"));
    }
}
