package io.kafkacassandra.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clock skew BEYOND the bound: what breaks (documentation, not a pass). Clock faults only, each a leader pause
 * while node 127.0.0.3's clock is off by 1.5-3 s ({@code -Dfaults.clock.skew.ms} sets another bound), far beyond
 * the plugin's clock drift of 200 ms. Violations are the findings of its report and do not fail it; it fails only
 * if it could not inject what it documents. Its name does not end in Test, so the README's test command leaves it
 * out:
 *
 * <pre>
 * mvn -B -ntp -pl itests/fault-harness test -Dtest=ClockBeyondBoundRun -Dfaults.minutes=5 \
 *     -Dfaults.report=$PWD/docs/clock-beyond-bound-report.md
 * </pre>
 */
class ClockBeyondBoundRun {
    private static final Duration DEFAULT_BOUND = Duration.ofMillis(3000);

    @Test
    void documentWhatBreaksBeyondTheBound() throws Exception {
        Duration bound = Duration.ofMillis(
                Long.parseLong(FaultRunTest.property("faults.clock.skew.ms", Long.toString(DEFAULT_BOUND.toMillis()))));
        // Its own directory: the histories of the last FaultRunTest stay where they are.
        Path dir = Path.of(FaultRunTest.property("faults.dir", "target/faults"))
                .toAbsolutePath()
                .resolveSibling("faults-clock-beyond");
        FaultRun.Options options = FaultRunTest.options(dir, bound, List.of(Nemesis.Kind.SKEW_CLOCK));
        assertTrue(
                options.beyondBound(),
                "faults.clock.skew.ms=" + bound.toMillis() + " is within the plugin's" + " clock drift of "
                        + FaultRun.CLOCK_DRIFT.toMillis() + " ms: that is FaultRunTest's job");

        FaultRun.Result result = FaultRunTest.run(options);

        List<Event.Fault> skews = result.faults().stream()
                .filter(f -> f.kind().equals(Nemesis.Kind.SKEW_CLOCK.name()))
                .toList();
        assertFalse(skews.isEmpty(), "clock faults were injected: " + result.faults());
        for (Event.Fault f : skews) {
            long offset = Math.abs(ClockSkew.offsetMillis(f.note()));
            assertTrue(
                    offset >= bound.toMillis() / 2 && offset <= bound.toMillis(),
                    "every offset is of the size documented: " + f);
        }
        assertTrue(
                result.faults().stream().anyMatch(f -> f.kind().equals(Nemesis.Kind.PAUSE_LEADER.name())),
                "a leader was paused inside a skew at least once: " + result.faults());
        String written = Files.readString(dir.resolve("fault-report.md"), StandardCharsets.UTF_8);
        assertEquals(result.report(), written, "the report was written next to the histories");
        assertTrue(written.startsWith(FaultReport.BEYOND_TITLE + "\n"), "labelled beyond the bound");
        assertTrue(
                written.contains(FaultReport.BEYOND_FINDINGS + result.findings().violationCount() + "\n"),
                "its violations are listed as findings");
        System.out.println("clock skew beyond the bound: " + result.findings().violationCount()
                + " violations, documented in " + dir.resolve("fault-report.md"));
    }
}
