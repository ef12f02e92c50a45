package io.kafkacassandra.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keyspace replication, written {@code SimpleStrategy:3} or {@code NetworkTopologyStrategy:dc1=3,dc2=3}.
 * Data center names are checked against a strict pattern before they reach CQL.
 */
public record Replication(String strategy, Map<String, Integer> factors) {
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public Replication {
        factors = Collections.unmodifiableMap(new LinkedHashMap<>(factors)); // keeps the operator's order
    }

    public static Replication simple(int factor) {
        return new Replication("SimpleStrategy", Map.of("replication_factor", factor));
    }

    static Replication parse(String key, String text) {
        String value = text.trim();
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new SettingsException(key, "expected SimpleStrategy:<factor> or NetworkTopologyStrategy:<dc>=<factor>,..."
                    + " but was '" + text + "'");
        }
        String strategy = value.substring(0, colon).trim();
        String rest = value.substring(colon + 1).trim();
        if (strategy.equals("SimpleStrategy")) {
            return simple(factor(key, rest));
        }
        if (!strategy.equals("NetworkTopologyStrategy")) {
            throw new SettingsException(key, "unknown replication strategy '" + strategy
                    + "' (SimpleStrategy or NetworkTopologyStrategy)");
        }
        Map<String, Integer> factors = new LinkedHashMap<>();
        for (String part : rest.split(",")) {
            String[] kv = part.split("=", 2);
            String dc = kv[0].trim();
            if (kv.length != 2 || !DATACENTER.matcher(dc).matches()) {
                throw new SettingsException(key, "'" + part.trim() + "' is not <datacenter>=<factor>"
                        + " (data center names use letters, digits, '_', '.', '-')");
            }
            factors.put(dc, factor(key, kv[1].trim()));
        }
        return new Replication(strategy, factors);
    }

    private static int factor(String key, String text) {
        try {
            int factor = Integer.parseInt(text);
            if (factor >= 1 && factor <= 99) {
                return factor;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingsException(key, "replication factor must be a whole number from 1 to 99, was '" + text + "'");
    }

    /** The CQL map literal; every part was validated by {@link #parse}. */
    String toCql() {
        return "{'class': '" + strategy + "', " + factors.entrySet().stream()
                .map(e -> "'" + e.getKey() + "': " + e.getValue()).collect(Collectors.joining(", ")) + "}";
    }

    @Override
    public String toString() {
        return strategy + ":" + factors.entrySet().stream().map(e -> strategy.equals("SimpleStrategy")
                ? String.valueOf(e.getValue()) : e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
