package io.kafkacassandra.election;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kafkacassandra.launcher.CassandraExtension;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.testing.TestKeyspaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
        CassandraSettings settings = TestKeyspaces.settings(CASSANDRA.cluster()).pollPeriod(POLL).build();
        List<Process> processes = new ArrayList<>();
        try (CqlSession session = TestKeyspaces.open(settings);
             CassandraLeaderElection observer = new CassandraLeaderElection(session, settings, "controller")) {
            for (int i = 0; i < 3; i++) {
                processes.add(start(settings, "broker-" + i));
            }
            for (Process p : processes) {
                awaitLine(p, "READY", 60_000);
            }
            Leadership first = awaitLeadership(observer, Optional.empty(), 10_000);
            int index = Integer.parseInt(first.leader().substring("broker-".length()));
            awaitLine(processes.get(index), "LEADER " + first.epoch(), 10_000);

            long killedAt = System.nanoTime();
            processes.get(index).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Leadership second = awaitLeadership(observer, Optional.of(first), 15_000);
            long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("failover after SIGKILL of the leader's JVM: " + failoverMs + " ms");

            assertNotEquals(first.leader(), second.leader());
            assertTrue(second.epoch() > first.epoch(), second + " after " + first);
            long bound = settings.leaseTtl().plus(POLL).toMillis() + 1_000; // + one SERIAL read and scheduling slack
            assertTrue(failoverMs <= bound, "failover took " + failoverMs + " ms, more than TTL + poll period ("
                    + bound + " ms with slack)");
            int newIndex = Integer.parseInt(second.leader().substring("broker-".length()));
            awaitLine(processes.get(newIndex), "LEADER " + second.epoch(), 10_000);
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    private static Leadership awaitLeadership(CassandraLeaderElection observer, Optional<Leadership> not,
                                              long timeoutMs) throws InterruptedException {
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

    private static Process start(CassandraSettings settings, String candidate) throws IOException {
        InetSocketAddress point = settings.contactPoints().get(0);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                CandidateMain.class.getName(), point.getHostString(), Integer.toString(point.getPort()),
                settings.keyspace(), Long.toString(POLL.toMillis()), "controller", candidate);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * Waits until the process has printed a line equal to {@code expected}, at any time since it started: lines
     * read while waiting for an earlier one are kept (a leader may announce itself before it says READY).
     */
    private static void awaitLine(Process p, String expected, long timeoutMs) throws Exception {
        BufferedReader out = readers.computeIfAbsent(p, k -> new BufferedReader(
                new InputStreamReader(k.getInputStream(), StandardCharsets.UTF_8)));
        List<String> seen = history.computeIfAbsent(p, k -> new ArrayList<>());
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!seen.contains(expected) && System.nanoTime() < deadline) {
            if (out.ready()) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                seen.add(line);
            } else {
                Thread.sleep(20);
            }
        }
        assertTrue(seen.contains(expected), "process output " + seen + " has no line " + expected);
    }

    private static final java.util.Map<Process, List<String>> history = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<Process, BufferedReader> readers = new java.util.concurrent.ConcurrentHashMap<>();
}
