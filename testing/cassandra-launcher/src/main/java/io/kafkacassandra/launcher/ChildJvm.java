package io.kafkacassandra.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main class in a JVM of its own, on this JVM's class path: its standard output read line by line (every
 * line kept, so a line printed early is not missed), commands sent as lines to its standard input, its standard
 * error appended to a log file, and signals (SIGKILL, SIGSTOP, SIGCONT). For client processes of tests and
 * benchmarks: brokers, candidates, members, listeners.
 */
public final class ChildJvm implements AutoCloseable {
    /** Children still running when this JVM ends (Maven interrupted, a test JVM done) are killed with it. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> RUNNING.forEach(p -> p.toHandle().destroyForcibly()), "child-jvms-shutdown"));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readLines, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}. */
    public static ChildJvm start(
            String name, List<String> jvmOptions, String mainClass, List<String> args, Path errorLog) {
        List<String> command = new ArrayList<>(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return launch(name, command, errorLog);
    }

    /** Starts {@code java <jvmOptions> -cp <classPath> <mainClass> <args>}: a program on a class path of its own. */
    public static ChildJvm startOnClassPath(
            String name,
            List<String> jvmOptions,
            String classPath,
            String mainClass,
            List<String> args,
            Path errorLog) {
        List<String> command = new ArrayList<>(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        return launch(name, command, errorLog);
    }

    /** Starts {@code java <jvmOptions> -jar <jar> <args>}: a self-contained program, on its own class path. */
    public static ChildJvm startJar(String name, List<String> jvmOptions, Path jar, List<String> args, Path errorLog) {
        List<String> command = new ArrayList<>(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return launch(name, command, errorLog);
    }

    private static ChildJvm launch(String name, List<String> javaArgs, Path errorLog) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArgs);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(errorLog.toFile()))
                    .start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return new ChildJvm(name, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    private void readLines() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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

    /** Every line it has printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** How many lines it has printed so far; an index for {@link #awaitLine(int, Predicate, Duration)}. */
    public int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Waits for a line equal to {@code expected}, printed at any time since the start. */
    public void awaitLine(String expected, Duration timeout) throws InterruptedException {
        awaitLine(0, expected::equals, timeout);
    }

    /** Waits for the first line from index {@code from} on that matches, and returns it. */
    public String awaitLine(int from, Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int next = from;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (match.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new IllegalStateException(name + " printed no awaited line within " + timeout
                            + " (alive: " + process.isAlive() + ", last lines "
                            + lines.subList(Math.max(0, lines.size() - 10), lines.size()) + ")");
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
        }
    }

    /** Sends one line to its standard input. */
    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk to " + name, e);
        }
    }

    /** The exit status once it has ended (143 after a SIGTERM it handled, 137 after a SIGKILL). */
    public int exitStatus() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the program's shutdown hooks run; see {@link #awaitExit(Duration)}. */
    public void terminate() {
        // Not Process.destroy(): it also closes the pipes, and what the shutdown hooks print would be lost.
        process.toHandle().destroy();
    }

    public void pause() {
        Signals.send("STOP", process.pid());
    }

    public void resume() {
        Signals.send("CONT", process.pid());
    }

    /** Waits for the process to end; once it has, {@link #lines()} holds every line it printed. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(10_000); // its standard output is closed: the reader reaches its end at once
        if (reader.isAlive()) {
            throw new IllegalStateException(
                    name + " ended, but its output is still open (a child process of its own?)");
        }
        return true;
    }

    /** Kills it if it still runs (resuming it first, should it be stopped). */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                Signals.send("CONT", process.pid());
            } catch (RuntimeException e) {
                // it may have ended meanwhile
            }
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
