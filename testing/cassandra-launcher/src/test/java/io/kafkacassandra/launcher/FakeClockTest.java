package io.kafkacassandra.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offsets as the skewed clock reads them: sign, seconds, a '.' before fractions whatever the locale. */
class FakeClockTest {
    @Test
    void offsetsAreWrittenAsRelativeSeconds() {
        assertEquals("+0", FakeClock.format(Duration.ZERO));
        assertEquals("+0.150", FakeClock.format(Duration.ofMillis(150)));
        assertEquals("-0.120", FakeClock.format(Duration.ofMillis(-120)));
        assertEquals("+2.000", FakeClock.format(Duration.ofSeconds(2)));
    }

    @Test
    void setReplacesTheFileWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("clock");
        FakeClock.set(file, Duration.ofMillis(-2500));
        FakeClock.set(file, Duration.ofMillis(180));
        assertEquals("+0.180\n", Files.readString(file, StandardCharsets.US_ASCII));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no file left aside");
        }
    }
}
