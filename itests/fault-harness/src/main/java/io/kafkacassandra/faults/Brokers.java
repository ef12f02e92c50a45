package io.kafkacassandra.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The live incarnation of every broker id, and every incarnation ever started. */
final class Brokers {
    private static final long READY_MILLIS = 180_000;

    private final Path directory;
    private final Path pluginProperties;
    private final HistoryWriter harness;
    private final long seed;
    private final Map<String, BrokerProcess> live = new LinkedHashMap<>();
    private final List<BrokerProcess> all = new ArrayList<>();
    private final Map<String, Integer> incarnations = new LinkedHashMap<>();

    Brokers(Path directory, Path pluginProperties, HistoryWriter harness, long seed) {
        this.directory = directory;
        this.pluginProperties = pluginProperties;
        this.harness = harness;
        this.seed = seed;
    }

    /** Starts a new incarnation of the broker and waits until it has joined and is a candidate. */
    BrokerProcess start(String broker) throws InterruptedException {
        int incarnation = incarnations.merge(broker, 1, Integer::sum);
        BrokerProcess p = BrokerProcess.start(
                directory, pluginProperties, broker, incarnation, seed * 31 + broker.hashCode() * 17L + incarnation);
        harness.write(new Event.Spawn(p.name, broker, System.nanoTime()));
        live.put(broker, p);
        all.add(p);
        p.awaitLine("READY", READY_MILLIS);
        return p;
    }

    BrokerProcess live(String broker) {
        return live.get(broker);
    }

    List<BrokerProcess> live() {
        return List.copyOf(live.values());
    }

    List<BrokerProcess> all() {
        return List.copyOf(all);
    }

    /** SIGKILL; the exit is logged once the process is gone, so no belief of it can outlive the logged time. */
    void kill(BrokerProcess p) throws InterruptedException {
        p.kill();
        harness.write(new Event.Exit(p.name, System.nanoTime()));
        live.remove(p.broker, p);
    }

    /** Tells every live broker to stop writing and waits until each has. */
    void stopWrites() throws InterruptedException {
        for (BrokerProcess p : live.values()) {
            p.send("STOP_WRITES");
        }
        for (BrokerProcess p : live.values()) {
            p.awaitLine("WRITES_STOPPED", 120_000);
        }
    }

    /** Asks every live broker for its final values, then lets them leave and waits until they exit. */
    void finish() throws InterruptedException {
        for (BrokerProcess p : live.values()) {
            p.send("FINAL");
        }
        // Two steps: a broker that left the group while another still recorded views would end that one's
        // history with a view that lacks a live broker.
        for (BrokerProcess p : live.values()) {
            p.awaitLine("FINALS_WRITTEN", 60_000);
        }
        for (BrokerProcess p : live.values()) {
            p.send("EXIT");
        }
        for (BrokerProcess p : live.values()) {
            p.awaitLine("DONE", 60_000);
            p.awaitExit(30_000);
            harness.write(new Event.Exit(p.name, System.nanoTime()));
        }
        live.clear();
    }

    /** Kills whatever is left, for the end of a failed run. */
    void killAll() {
        all.forEach(p -> p.jvm.close());
    }
}
