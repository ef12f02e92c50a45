package io.kafkacassandra.zookeeper;

import io.kafkacassandra.session.internal.Text;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a ZooKeeper service on Cassandra, besides the Cassandra ones ({@code plugin.cassandra.*}).
 * ZooKeeper's own keys keep ZooKeeper's names and defaults: {@code clientPort} (2181), {@code clientPortAddress}
 * (127.0.0.1: loopback unless configured otherwise), {@code tickTime} (2000 ms), {@code minSessionTimeout} (2
 * ticks; -1 also means that), {@code maxSessionTimeout} (20 ticks; -1 too), {@code maxClientCnxns} (60 per client address, 0 for no limit).
 * Ours: {@code serviceName} (instances with the same keyspace and service name are one ZooKeeper service; default
 * {@code zookeeper}), {@code nudgePort} (the UDP port on {@code clientPortAddress} where an instance is told that
 * another one wrote to the log, so that it reads the log at once; default 0, any free port, registered in Cassandra;
 * -1: off) and {@code tailReadPeriodMs} (how often an instance reads the log anyway, for writes whose nudge was
 * lost or is off; default 200). {@code snapCount} keeps ZooKeeper's name and default (100000): the transactions between two
 * snapshots of the tree in Cassandra.
 */
public record ZooKeeperSettings(
        String serviceName,
        InetAddress clientPortAddress,
        int clientPort,
        int tickTimeMs,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int maxClientCnxns,
        Duration tailReadPeriod,
        int nudgePort,
        int snapCount) {

    public static final String SERVICE_NAME = "serviceName";
    public static final String CLIENT_PORT_ADDRESS = "clientPortAddress";
    public static final String CLIENT_PORT = "clientPort";
    public static final String TICK_TIME = "tickTime";
    public static final String MIN_SESSION_TIMEOUT = "minSessionTimeout";
    public static final String MAX_SESSION_TIMEOUT = "maxSessionTimeout";
    public static final String MAX_CLIENT_CNXNS = "maxClientCnxns";
    public static final String TAIL_READ_PERIOD_MS = "tailReadPeriodMs";
    public static final String NUDGE_PORT = "nudgePort";
    /** The default period of tail reads: a safety net behind the nudges. */
    public static final int DEFAULT_TAIL_READ_PERIOD_MS = 200;

    public static final String SNAP_COUNT = "snapCount";
    private static final Set<String> KEYS = Set.of(
            SERVICE_NAME,
            CLIENT_PORT_ADDRESS,
            CLIENT_PORT,
            TICK_TIME,
            MIN_SESSION_TIMEOUT,
            MAX_SESSION_TIMEOUT,
            MAX_CLIENT_CNXNS,
            TAIL_READ_PERIOD_MS,
            NUDGE_PORT,
            SNAP_COUNT);

    public ZooKeeperSettings {
        Text.id(SERVICE_NAME, serviceName);
        require(clientPort >= 0 && clientPort <= 65535, CLIENT_PORT, clientPort, "0 to 65535 (0: any free port)");
        require(tickTimeMs >= 200 && tickTimeMs <= 60_000, TICK_TIME, tickTimeMs, "200 to 60000 ms");
        require(
                minSessionTimeoutMs >= 2 * tickTimeMs,
                MIN_SESSION_TIMEOUT,
                minSessionTimeoutMs,
                "at least 2 ticks (" + 2 * tickTimeMs + " ms)");
        require(
                maxSessionTimeoutMs >= minSessionTimeoutMs && maxSessionTimeoutMs <= 3_600_000,
                MAX_SESSION_TIMEOUT,
                maxSessionTimeoutMs,
                "from minSessionTimeout (" + minSessionTimeoutMs + " ms) to 3600000 ms");
        require(
                maxClientCnxns >= 0 && maxClientCnxns <= 100_000,
                MAX_CLIENT_CNXNS,
                maxClientCnxns,
                "0 (no limit) to 100000");
        long tail = tailReadPeriod.toMillis();
        require(tail >= 1 && tail <= 10_000, TAIL_READ_PERIOD_MS, tail, "1 to 10000 ms");
        require(nudgePort >= -1 && nudgePort <= 65535, NUDGE_PORT, nudgePort, "-1 (off), 0 (any free port) to 65535");
        require(snapCount >= 10 && snapCount <= 100_000_000, SNAP_COUNT, snapCount, "10 to 100000000 transactions");
    }

    private static void require(boolean ok, String key, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException(key + " must be " + range + ", was " + value);
        }
    }

    public static ZooKeeperSettings defaults() {
        return fromMap(Map.of());
    }

    /**
     * Reads the keys above from a configuration; keys starting with {@code plugin.} are left to the Cassandra
     * settings, any other key is refused (a ZooKeeper {@code dataDir} or {@code server.N} has no meaning here).
     */
    public static ZooKeeperSettings fromMap(Map<String, ?> map) {
        for (String key : map.keySet()) {
            if (!key.startsWith("plugin.") && !KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting " + key + ": this ZooKeeper service takes "
                        + KEYS.stream().sorted().toList() + " and plugin.cassandra.*; its data lives in Cassandra");
            }
        }
        int tick = number(map, TICK_TIME, 2000);
        int min = orDefault(number(map, MIN_SESSION_TIMEOUT, -1), 2 * tick);
        return new ZooKeeperSettings(
                string(map, SERVICE_NAME, "zookeeper"),
                address(string(map, CLIENT_PORT_ADDRESS, "127.0.0.1")),
                number(map, CLIENT_PORT, 2181),
                tick,
                min,
                orDefault(number(map, MAX_SESSION_TIMEOUT, -1), Math.max(min, 20 * tick)),
                number(map, MAX_CLIENT_CNXNS, 60),
                Duration.ofMillis(number(map, TAIL_READ_PERIOD_MS, DEFAULT_TAIL_READ_PERIOD_MS)),
                number(map, NUDGE_PORT, 0),
                number(map, SNAP_COUNT, 100_000));
    }

    /** The same with another client port (0: any free port). */
    public ZooKeeperSettings withClientPort(int port) {
        return new ZooKeeperSettings(
                serviceName,
                clientPortAddress,
                port,
                tickTimeMs,
                minSessionTimeoutMs,
                maxSessionTimeoutMs,
                maxClientCnxns,
                tailReadPeriod,
                nudgePort,
                snapCount);
    }

    /** ZooKeeper's -1: the default derived from the tick. */
    private static int orDefault(int value, int defaultValue) {
        return value == -1 ? defaultValue : value;
    }

    private static String string(Map<String, ?> map, String key, String defaultValue) {
        Object v = map.get(key);
        return v == null ? defaultValue : v.toString().trim();
    }

    private static int number(Map<String, ?> map, String key, int defaultValue) {
        Object v = map.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.toString().trim()); // a Number too: 1e10 or 2.5 is refused, not truncated
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was " + Text.preview(v.toString()));
        }
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(Text.id(CLIENT_PORT_ADDRESS, host));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(CLIENT_PORT_ADDRESS + " " + Text.preview(host) + " is not an address"
                    + " of this host: " + e.getMessage());
        }
    }
}
