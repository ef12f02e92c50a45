package io.kafkacassandra.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the clients off from one Cassandra node while the node stays in its ring: every packet to or from the
 * node's native-protocol port on the loopback interface is dropped, by a traffic-control class that queues
 * nothing. Needs root and tc(8); {@link #available()} says whether this machine allows it.
 */
final class NetworkCut {
    private static final String DEV = "lo";

    private NetworkCut() {}

    /** Whether a cut can be made here: tries to install and remove the queueing discipline. */
    static boolean available() {
        heal();
        try {
            install();
            return true;
        } catch (IllegalStateException e) {
            return false;
        } finally {
            heal();
        }
    }

    /** Drops every packet between the clients and {@code address:port}. */
    static void cut(String address, int port) {
        install();
        String p = Integer.toString(port);
        tc(
                "filter",
                "add",
                "dev",
                DEV,
                "parent",
                "1:",
                "protocol",
                "ip",
                "prio",
                "1",
                "u32",
                "match",
                "ip",
                "dst",
                address + "/32",
                "match",
                "ip",
                "dport",
                p,
                "0xffff",
                "flowid",
                "1:20");
        tc(
                "filter",
                "add",
                "dev",
                DEV,
                "parent",
                "1:",
                "protocol",
                "ip",
                "prio",
                "1",
                "u32",
                "match",
                "ip",
                "src",
                address + "/32",
                "match",
                "ip",
                "sport",
                p,
                "0xffff",
                "flowid",
                "1:20");
    }

    /** Removes every cut; harmless when there is none. */
    static void heal() {
        run(List.of("tc", "qdisc", "del", "dev", DEV, "root"));
    }

    private static void install() {
        // Default class 1:10 passes everything; class 1:20 holds a queue of length 0, which drops what it gets.
        tc("qdisc", "add", "dev", DEV, "root", "handle", "1:", "htb", "default", "10");
        tc("class", "add", "dev", DEV, "parent", "1:", "classid", "1:10", "htb", "rate", "100gbit");
        tc("class", "add", "dev", DEV, "parent", "1:", "classid", "1:20", "htb", "rate", "8bit", "ceil", "8bit");
        tc("qdisc", "add", "dev", DEV, "parent", "1:20", "handle", "20:", "pfifo", "limit", "0");
    }

    private static void tc(String... args) {
        List<String> command = new ArrayList<>(List.of("tc"));
        command.addAll(List.of(args));
        String failure = run(command);
        if (failure != null) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + failure);
        }
    }

    /** Runs the command; null when it succeeded, else what it printed. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? null : out.isEmpty() ? "exit " + p.exitValue() : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
