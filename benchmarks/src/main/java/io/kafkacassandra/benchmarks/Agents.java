package io.kafkacassandra.benchmarks;

import io.kafkacassandra.launcher.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link AgentMain} processes against a target and parses what they print. */
final class Agents implements AutoCloseable {
    static final Duration READY = Duration.ofSeconds(120);
    static final Duration TOLD = Duration.ofSeconds(60);

    private final Target target;
    private final Path logs;
    private final List<ChildJvm> started = new ArrayList<>();

    Agents(Target target, Path logs) {
        this.target = target;
        this.logs = logs;
    }

    /** Starts an agent and waits until it is set up. */
    ChildJvm start(String name, String... roleAndArgs) throws InterruptedException {
        List<String> specs = target.agentSpecs();
        List<String> args = new ArrayList<>(List.of(specs.get(started.size() % specs.size())));
        args.addAll(List.of(roleAndArgs));
        List<String> jvmOptions = new ArrayList<>(
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        // For profiling, e.g. "-XX:StartFlightRecording=delay=180s,duration=60s,filename=/tmp/agent-%p.jfr".
        String extra = System.getenv("BENCHMARKS_AGENT_JVM_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        ChildJvm agent = ChildJvm.start(name, jvmOptions, AgentMain.class.getName(), args, logs.resolve(name + ".log"));
        started.add(agent);
        agent.awaitLine("READY", READY);
        return agent;
    }

    /** The time (last field) of the first line from {@code from} on that starts with {@code prefix}. */
    static long await(ChildJvm agent, int from, String prefix, Duration timeout) throws InterruptedException {
        return nanos(agent.awaitLine(from, l -> l.startsWith(prefix), timeout));
    }

    static long nanos(String line) {
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Override
    public void close() {
        started.forEach(ChildJvm::close);
    }
}
