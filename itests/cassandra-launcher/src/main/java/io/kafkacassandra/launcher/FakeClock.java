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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A node's wall clock set off from the machine's by libfaketime: the node's JVM runs with the library preloaded,
 * reading a relative offset ({@code +0}, {@code +0.15}, {@code -2}: seconds) from a file that may be rewritten
 * while it runs; a new offset applies within about a second. The monotonic clock stays true, which the JVM needs
 * (it hangs otherwise) and which keeps timeouts real. Needs the Debian package {@code faketime}, installed here
 * when missing and this process is root.
 */
public final class FakeClock {
    private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu/faketime"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime"), Path.of("/usr/lib/faketime"),
            Path.of("/usr/local/lib/faketime"));
    private static final String LIBRARY = "libfaketime.so.1";

    private static Optional<Path> library; // looked for once per JVM: installing may take a minute

    private FakeClock() {
    }

    /** Whether a node can run under a fake clock here; installs libfaketime first if it can. */
    public static boolean available() {
        return library().isPresent();
    }

    /** The library to preload, installed with {@code apt-get} if missing (and allowed); empty if not to be had. */
    public static synchronized Optional<Path> library() {
        if (library == null) {
            library = find();
            if (library.isEmpty() && isRoot()) {
                // A fresh machine may not know the package until its lists are updated.
                if (!apt("install", "-y", "faketime")) {
                    apt("update");
                    apt("install", "-y", "faketime");
                }
                library = find();
            }
        }
        return library;
    }

    /** Sets the clock of the nodes reading {@code file} off by {@code offset} (negative: behind). */
    public static void set(Path file, Duration offset) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Written aside and moved in, so that the library never reads a file half written.
            Path next = Files.createTempFile(dir, file.getFileName().toString(), ".next");
            Files.writeString(next, format(offset) + "\n", StandardCharsets.US_ASCII);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the clock offset to " + file, e);
        }
    }

    /** libfaketime's relative offset: sign, seconds, fractions after a '.' whatever the locale. */
    static String format(Duration offset) {
        long millis = offset.toMillis();
        return millis == 0 ? "+0" : String.format(Locale.ROOT, "%+.3f", millis / 1000.0);
    }

    /** The environment of a process whose wall clock follows {@code file}. */
    static Map<String, String> environment(Path file) {
        Path lib = library().orElseThrow(() -> new IllegalStateException(
                "libfaketime is not installed (Debian package faketime) and cannot be installed here"));
        return Map.of(
                "LD_PRELOAD", lib.toString(),
                "FAKETIME_TIMESTAMP_FILE", file.toAbsolutePath().toString(),
                // Re-read at most once a second: reading it on every call slows Cassandra down too much.
                "FAKETIME_CACHE_DURATION", "1",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1");
    }

    private static Optional<Path> find() {
        return LIBRARY_DIRS.stream().map(d -> d.resolve(LIBRARY)).filter(Files::isReadable).findFirst();
    }

    private static boolean isRoot() {
        return "0".equals(output(List.of("id", "-u")));
    }

    private static boolean apt(String... args) {
        List<String> command = Stream.concat(Stream.of("apt-get", "-q"), Stream.of(args)).toList();
        return output(command) != null;
    }

    /** Runs the command with a time limit; its trimmed output if it succeeded, else null. */
    private static String output(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Path out = Files.createTempFile("fake-clock", ".out");
            try {
                Process p = builder.redirectOutput(out.toFile()).start();
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 ? new String(Files.readAllBytes(out), StandardCharsets.UTF_8).trim() : null;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
