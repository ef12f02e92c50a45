package io.kafkacassandra.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real Cassandra node in a child JVM. Start, stop, kill, pause, resume and restart it on the same data.
 * Its output goes to files in its directory, never to the console of the build.
 */
public final class CassandraNode {
    private static final String CLASSPATH_RESOURCE = "cassandra.classpath";

    /** The {@code --add-exports/--add-opens} flags of Cassandra's own {@code jvm17-server.options}. */
    private static final List<String> JPMS_FLAGS = List.of(
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED");

    private final NodeSettings settings;
    private Process process;
    private boolean paused;

    CassandraNode(NodeSettings settings) {
        this.settings = settings;
    }

    public NodeSettings settings() {
        return settings;
    }

    public String address() {
        return settings.address();
    }

    public InetSocketAddress contactPoint() {
        return new InetSocketAddress(settings.address(), settings.nativePort());
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Process id of the running node's JVM. */
    public synchronized long pid() {
        requireRunning();
        return process.pid();
    }

    /** Starts the node's JVM and returns at once; see {@link #awaitCql(Duration)}. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("node " + address() + " is already running");
        }
        if (cqlPortOpen()) {
            // Without this check a stale node of another run would be taken for this one.
            throw new IllegalStateException(contactPoint() + " is already in use by another process"
                    + " (a Cassandra node left over from another run?)");
        }
        try {
            Path dir = settings.directory();
            Path logs = dir.resolve("logs");
            Files.createDirectories(logs);
            Path conf = dir.resolve("conf");
            Files.createDirectories(conf);
            Files.writeString(conf.resolve("cassandra.yaml"), CassandraYaml.render(settings));
            Files.writeString(conf.resolve("logback.xml"), CassandraYaml.logback(logs));
            Path clock = settings.clockOffsetFile();
            if (clock != null && !Files.exists(clock)) {
                FakeClock.set(clock, Duration.ZERO);
            }
            ProcessBuilder builder = new ProcessBuilder(command(conf, logs))
                    .directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            logs.resolve("node.out").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(
                            logs.resolve("node.out").toFile()));
            // Standard input stays a pipe held by this JVM: NodeMain halts the node when it closes.
            process = builder.start();
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Cassandra node " + address(), e);
        }
    }

    private List<String> command(Path conf, Path logs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + settings.heapMb() + "m");
        cmd.add("-Xmx" + settings.heapMb() + "m");
        cmd.add("-Xss256k");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:+HeapDumpOnOutOfMemoryError");
        cmd.add("-XX:HeapDumpPath=" + logs);
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-Djdk.attach.allowAttachSelf=true");
        cmd.add("-Dio.netty.tryReflectionSetAccessible=true");
        cmd.addAll(JPMS_FLAGS);
        cmd.add("-Dcassandra.config=" + conf.resolve("cassandra.yaml").toUri());
        cmd.add("-Dlogback.configurationFile=" + conf.resolve("logback.xml").toUri());
        cmd.add("-Dcassandra.logdir=" + logs);
        cmd.add("-Dcassandra.storagedir=" + settings.directory());
        cmd.add("-Dcassandra-foreground=yes");
        // A test cluster is new and small: no need to wait for gossip to settle or for ring delay.
        cmd.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
        cmd.add("-Dcassandra.ring_delay_ms=1000");
        cmd.add("-Dcassandra.superuser_setup_delay_ms=0");
        cmd.add("-Dcassandra.consistent.rangemovement=false");
        if (settings.clockOffsetFile() != null) {
            // From the settings, so a restart runs under the same clock, at whatever offset the file holds.
            cmd.addAll(FakeClock.jvmOptions(settings.clockOffsetFile()));
        }
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(NodeMain.class.getName());
        return cmd;
    }

    private static String classPath() {
        try (InputStream in = CassandraNode.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing " + CLASSPATH_RESOURCE + ": the launcher was not built by Maven (mvn install)");
            }
            String cassandra = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            Path launcher = Path.of(NodeMain.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return launcher + java.io.File.pathSeparator + cassandra;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the node answers on its CQL port.
     *
     * @throws IllegalStateException with the tail of the node's log when it dies or does not answer in time
     */
    public void awaitCql(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (process == null || !process.isAlive()) {
                    throw new IllegalStateException("Cassandra node " + address() + " exited"
                            + (process == null ? "" : " with code " + process.exitValue())
                            + " before it answered CQL. Log tail:\n" + logTail(60));
                }
            }
            if (cqlPortOpen()) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("Cassandra node " + address() + " did not answer CQL within " + timeout
                + ". Log tail:\n" + logTail(60));
    }

    private boolean cqlPortOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(contactPoint(), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** SIGTERM, waiting for Cassandra's shutdown hook to drain; SIGKILL if it takes longer than the timeout. */
    public synchronized void stop(Duration timeout) {
        if (process == null) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public void stop() {
        stop(Duration.ofSeconds(30));
    }

    /** SIGKILL: the node dies with no chance to flush or to tell its peers. */
    public synchronized void kill() {
        requireRunning();
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        paused = false;
    }

    /** SIGSTOP: the node freezes, as in a long GC pause or a hung machine; its sockets stay open. */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    /** Stops the node gracefully and starts it again on the same data, waiting for CQL. */
    public void restart(Duration timeout) {
        stop();
        start();
        awaitCql(timeout);
    }

    private void signal(String name) {
        requireRunning();
        Signals.send(name, process.pid());
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("node " + address() + " is not running");
        }
    }

    /** Whether this node's log says that it sees the node at {@code peer} as up. */
    boolean logShowsUp(String peer) {
        String marker = "/" + peer + ":" + settings.storagePort() + " is now UP";
        return readLines(settings.directory().resolve("logs").resolve("system.log")).stream()
                .anyMatch(line -> line.contains(marker));
    }

    /** The last lines of the node's log and of its console output, for error messages. */
    public String logTail(int lines) {
        Path logs = settings.directory().resolve("logs");
        return "--- system.log ---\n" + tail(logs.resolve("system.log"), lines) + "--- node.out ---\n"
                + tail(logs.resolve("node.out"), lines);
    }

    private static String tail(Path file, int lines) {
        List<String> all = readLines(file);
        StringBuilder sb = new StringBuilder();
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : Collections.emptyList();
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e + ")");
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "CassandraNode[" + address() + (isRunning() ? ", pid " + process.pid() : ", stopped") + "]";
    }
}
