package io.kafkacassandra.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One incarnation of a broker: a {@link BrokerMain} JVM, its signals and the lines it prints. */
final class BrokerProcess {
    final String name;
    final String broker;
    final Path history;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();

    private BrokerProcess(String name, String broker, Path history, Process process) {
        this.name = name;
        this.broker = broker;
        this.history = history;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static BrokerProcess start(Path directory, Path pluginProperties, String broker, int incarnation, long seed) {
        String name = broker + "." + incarnation;
        Path history = directory.resolve(name + ".history");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName(),
                pluginProperties.toString(), name, broker, history.toString(), Long.toString(seed));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve(name + ".log").toFile()))
                    .start();
            return new BrokerProcess(name, broker, history, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start broker " + name, e);
        }
    }

    private void readLines() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Waits for a line the process printed at any time since it started. */
    void awaitLine(String expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lines) {
            while (!lines.contains(expected)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && !lines.contains(expected)) {
                    throw new IllegalStateException("broker " + name + " did not print " + expected + " within "
                            + timeoutMillis + " ms (alive: " + process.isAlive() + ", printed " + lines + ")");
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk to broker " + name, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void pause() {
        Signals.send("STOP", process.pid());
    }

    void resume() {
        Signals.send("CONT", process.pid());
    }

    boolean awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
