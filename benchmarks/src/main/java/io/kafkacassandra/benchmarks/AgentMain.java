package io.kafkacassandra.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client process of a benchmark: {@code AgentMain <spec> <role> <args...>}. It prints what it is told with
 * {@link System#nanoTime()} (one monotonic clock for every process of the machine, on Linux), so that the
 * benchmark measures from an action in one process to the notification in another.
 *
 * <ul>
 * <li>{@code candidate <service> <id>}: prints {@code LEADER <id|-> <nanos>} on each change; on RESIGN prints
 * {@code RESIGNING <nanos>}, resigns, and runs again once another leader is known.</li>
 * <li>{@code member <group> <id>}: prints {@code JOINING <nanos>} before it joins, {@code VIEW <ids> <nanos>} on
 * each change; LEAVE and JOIN print {@code LEAVING}/{@code JOINING <nanos>} and do so.</li>
 * <li>{@code listener <key>}: prints {@code CHANGED <value> <nanos>}.</li>
 * <li>{@code scale <namespaces> <keys per namespace> <listeners>}: listener {@code j} watches an equal share of
 * the keys; prints {@code CHANGED <key> <value> <nanos>} for values that start with {@code u}; on STATS prints
 * {@code STATS <cpu nanos> <heap bytes after gc>}.</li>
 * </ul>
 * Every role prints READY when set up, and ends when its standard input closes.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) throws Exception {
        try (Coordination c = Coordination.open(args[0])) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            switch (args[1]) {
                case "candidate" -> candidate(c, args[2], args[3], in);
                case "member" -> member(c, args[2], args[3], in);
                case "listener" -> listener(c, args[2], in);
                case "scale" ->
                    scale(c, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), in);
                default -> throw new IllegalArgumentException("unknown role " + args[1]);
            }
        }
        System.exit(0);
    }

    private static void candidate(Coordination c, String service, String id, BufferedReader in) throws Exception {
        AtomicReference<String> leader = new AtomicReference<>("-");
        Object changed = new Object();
        c.observeLeader(service, l -> {
            String now = l.orElse("-");
            if (!now.equals(leader.getAndSet(now))) {
                say("LEADER " + now + " " + System.nanoTime());
            }
            synchronized (changed) {
                changed.notifyAll();
            }
        });
        c.nominate(service, id);
        say("READY");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("RESIGN")) {
                say("RESIGNING " + System.nanoTime());
                c.resign(service, id);
                synchronized (changed) {
                    while (leader.get().equals(id) || leader.get().equals("-")) {
                        changed.wait(100);
                    }
                }
                c.nominate(service, id);
                say("RENOMINATED");
            }
        }
    }

    private static void member(Coordination c, String group, String id, BufferedReader in) throws Exception {
        AtomicReference<Set<String>> view = new AtomicReference<>(Set.of());
        c.observeGroup(group, members -> {
            if (!members.equals(view.getAndSet(Set.copyOf(members)))) {
                say("VIEW " + String.join(",", new TreeSet<>(members)) + " " + System.nanoTime());
            }
        });
        say("JOINING " + System.nanoTime());
        c.join(group, id);
        say("READY");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("LEAVE")) {
                say("LEAVING " + System.nanoTime());
                c.leave(group, id);
            } else if (line.equals("JOIN")) {
                say("JOINING " + System.nanoTime());
                c.join(group, id);
            }
        }
    }

    private static void listener(Coordination c, String key, BufferedReader in) throws Exception {
        c.watch(key, v -> say("CHANGED " + v.orElse("-") + " " + System.nanoTime()));
        say("READY");
        while (in.readLine() != null) {
            // runs until its input closes
        }
    }

    private static void scale(Coordination c, int namespaces, int keysPerNamespace, int listeners, BufferedReader in)
            throws Exception {
        int keys = namespaces * keysPerNamespace;
        for (int j = 0; j < listeners; j++) {
            for (int k = j * keys / listeners; k < (j + 1) * keys / listeners; k++) {
                String key = ScaleBenchmark.key(k, keysPerNamespace);
                c.watch(
                        key,
                        v -> v.filter(x -> x.startsWith("u"))
                                .ifPresent(x -> say("CHANGED " + key + " " + x + " " + System.nanoTime())));
            }
        }
        say("READY");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("STATS")) {
                System.gc();
                long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime();
                long heap =
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                say("STATS " + cpu + " " + heap);
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
