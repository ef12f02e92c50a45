package io.kafkacassandra.faults;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Appends events to a history file, one write(2) per line and no buffer, so that a process killed with SIGKILL
 * loses nothing it had written.
 */
final class HistoryWriter implements AutoCloseable {
    private final FileOutputStream out;

    HistoryWriter(Path file) {
        try {
            out = new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history " + file, e);
        }
    }

    synchronized void write(Event event) {
        try {
            out.write((Event.format(event) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
