package io.kafkacassandra.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A node's wall clock set off from the machine's: the node runs with Cassandra's own clock hook
 * ({@code -Dcassandra.clock}, the hook of Cassandra's simulator) pointing at {@link SkewedClock}, which adds the
 * offset held in a file ({@code +0}, {@code +0.150}, {@code -2.000}: seconds) that may be rewritten while the
 * node runs; a new offset applies within 100 ms. The monotonic clock stays true.
 *
 * <p>Why not libfaketime: preloaded into a Cassandra JVM it made every clock read about five times slower
 * (measured: 2.8 us instead of 0.6 us per {@code currentTimeMillis}); the node then took 135 % of this two-core
 * machine and the whole ring timed out before any fault was injected, which measures nothing.
 */
public final class FakeClock {
    private FakeClock() {}

    /** Always: the hook is part of Cassandra and the clock of this launcher, nothing to install. */
    public static boolean available() {
        return true;
    }

    /** Sets the clock of the nodes reading {@code file} off by {@code offset} (negative: behind). */
    public static void set(Path file, Duration offset) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Written aside and moved in, so that the node never reads a file half written.
            Path next = Files.createTempFile(dir, file.getFileName().toString(), ".next");
            Files.writeString(next, format(offset) + "\n", StandardCharsets.US_ASCII);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the clock offset to " + file, e);
        }
    }

    /** The offset in seconds with a sign and '.' for fractions, whatever the locale. */
    static String format(Duration offset) {
        long millis = offset.toMillis();
        return millis == 0 ? "+0" : String.format(Locale.ROOT, "%+.3f", millis / 1000.0);
    }

    /** The JVM options of a node whose wall clock follows {@code file}. */
    static List<String> jvmOptions(Path file) {
        // By name: SkewedClock implements Cassandra's interface, which only the node's class path has.
        return List.of(
                "-Dcassandra.clock=io.kafkacassandra.launcher.SkewedClock",
                "-D" + SkewedClock.FILE_PROPERTY + "=" + file.toAbsolutePath());
    }
}
