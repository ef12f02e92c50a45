package io.kafkacassandra.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.session.CassandraSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The background opener's back-off and what it reports while no node answers (no Cassandra needed). */
class SessionOpenerTest {
    @Test
    void attemptsBackOffToThirtySeconds() {
        assertEquals(
                List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L),
                List.of(1, 2, 3, 4, 5, 6, 100).stream()
                        .map(n -> SessionOpener.delayAfter(n).toSeconds())
                        .toList());
    }

    @Test
    void anUnreachableNodeIsReportedAndCloseStopsTrying() throws InterruptedException {
        CassandraSettings settings = CassandraSettings.builder()
                .contactPoints(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 1))) // nothing listens there
                .build();
        AtomicInteger opened = new AtomicInteger();
        SessionOpener opener =
                new SessionOpener(settings, SessionOpener.class.getClassLoader(), s -> opened.incrementAndGet());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!SessionStatus.problem().orElse("").contains("failed attempts")) {
                assertTrue(System.nanoTime() < deadline, "no failed attempt reported: " + SessionStatus.problem());
                Thread.sleep(50);
            }
            String problem = SessionStatus.problem().orElseThrow();
            assertTrue(problem.startsWith("cannot connect to Cassandra at 127.0.0.1:1"), problem);
        } finally {
            long began = System.nanoTime();
            opener.close();
            assertTrue(Duration.ofNanos(System.nanoTime() - began).toSeconds() < 12, "close does not wait for retries");
        }
        assertEquals(0, opened.get());
    }
}
