package io.kafkacassandra.faults;

import java.io.IOException;
import java.io.UncheckedIOException;

/** POSIX signals to a process, through kill(1): the JDK sends only TERM and KILL. */
final class Signals {
    private Signals() {
    }

    static void send(String signal, long pid) {
        try {
            int code = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            if (code != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " exited with " + code);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + pid, e);
        }
    }
}
