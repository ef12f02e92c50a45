package io.kafkacassandra.faults;

import io.kafkacassandra.launcher.CassandraNode;
import io.kafkacassandra.launcher.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The aim of the clock nemesis: the Cassandra node that runs on a skewed clock, the file its clock follows, and
 * the bound of the offsets it sets. An offset has a random sign and a magnitude from half the bound to the bound,
 * so that every fault is a skew of the size under test, not one near zero.
 */
record ClockSkew(CassandraNode node, Path offsetFile, Duration bound) {
    private static final Pattern NOTE = Pattern.compile("offset ([+-]\\d+) ms.*");

    Duration pick(Random random) {
        long max = bound.toMillis();
        long min = max / 2;
        long millis = min + random.nextLong(max - min + 1);
        return Duration.ofMillis(random.nextBoolean() ? millis : -millis);
    }

    void set(Duration offset) {
        FakeClock.set(offsetFile, offset);
    }

    /** The fault's note: the offset first, as {@link #offsetMillis} reads it back. */
    static String note(Duration offset) {
        return String.format("offset %+d ms", offset.toMillis());
    }

    static long offsetMillis(String note) {
        Matcher m = NOTE.matcher(note);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a clock fault's note: " + note);
        }
        return Long.parseLong(m.group(1));
    }
}
