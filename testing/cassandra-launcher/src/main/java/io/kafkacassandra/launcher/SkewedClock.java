package io.kafkacassandra.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.cassandra.utils.Clock;

/**
 * Cassandra's clock on a node started with {@code -Dcassandra.clock} (see {@link FakeClock}): the machine's wall
 * clock plus the offset in the file named by {@value #FILE_PROPERTY}, re-read every 100 ms by a daemon thread, so
 * that a clock read costs no more than the machine's. Cassandra takes every wall-clock reading that matters here
 * from it: TTL expiry, Paxos ballots, write times.
 */
public final class SkewedClock implements Clock {
    static final String FILE_PROPERTY = "kafkacassandra.clock.offset.file";

    private final Path file = Path.of(System.getProperty(FILE_PROPERTY));
    private volatile long offsetMillis = read(file, 0);

    public SkewedClock() {
        Thread reader = new Thread(
                () -> {
                    while (true) {
                        try {
                            TimeUnit.MILLISECONDS.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                        offsetMillis = read(file, offsetMillis);
                    }
                },
                "skewed-clock-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis() + offsetMillis;
    }

    /** The file's offset in milliseconds ({@code +0.150} is 150), or {@code previous} if it cannot be read. */
    static long read(Path file, long previous) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
            return Math.round(Double.parseDouble(text) * 1000);
        } catch (Exception e) {
            return previous;
        }
    }
}
