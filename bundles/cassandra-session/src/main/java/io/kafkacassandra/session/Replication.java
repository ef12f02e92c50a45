package io.kafkacassandra.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keyspace replication, written {@code SimpleStrategy:3} or {@code NetworkTopologyStrategy:dc1=3,dc2=3}.
 * Every instance is validated, however it is built (parsed or constructed in code), because {@link #toCql} puts
 * its parts into CQL: the strategy is one of the two names, data center names match a strict pattern, factors
 * are 1 to 99.
 */
public record Replication(String strategy, Map<String, Integer> factors) {
    static final String SIMPLE = "SimpleStrategy";
    static final String NETWORK_TOPOLOGY = "NetworkTopologyStrategy";
    private static final String SIMPLE_FACTOR = "replication_factor";
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * Checks what {@link #parse} checks, with the same messages, under the key {@link CassandraSettings#REPLICATION}.
     *
     * @throws SettingsException if a part cannot be used
     */
    public Replication {
        factors = checked(CassandraSettings.REPLICATION, strategy, factors);
    }

    public static Replication simple(int factor) {
        return new Replication(SIMPLE, Map.of(SIMPLE_FACTOR, factor));
    }

    static Replication parse(String key, String text) {
        String value = text.trim();
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new SettingsException(
                    key,
                    "expected SimpleStrategy:<factor> or NetworkTopologyStrategy:<dc>=<factor>,..." + " but was '"
                            + text + "'");
        }
        String strategy = value.substring(0, colon).trim();
        String rest = value.substring(colon + 1).trim();
        if (strategy.equals(SIMPLE)) {
            return simple(factor(key, rest));
        }
        checkStrategy(key, strategy);
        Map<String, Integer> factors = new LinkedHashMap<>();
        for (String part : rest.split(",")) {
            String[] kv = part.split("=", 2);
            String dc = kv[0].trim();
            if (kv.length != 2) {
                throw notADatacenterFactor(key, part.trim());
            }
            checkDatacenter(key, dc, part.trim());
            if (factors.put(dc, factor(key, kv[1].trim())) != null) {
                throw new SettingsException(key, "data center '" + dc + "' is named twice");
            }
        }
        // Checked again by the constructor, under the key of the setting (cannot fail after the checks above).
        return new Replication(strategy, factors);
    }

    /** The checks of every construction; returns an unmodifiable copy in the given order (the operator's). */
    private static Map<String, Integer> checked(String key, String strategy, Map<String, Integer> factors) {
        checkStrategy(key, strategy);
        if (factors == null || factors.isEmpty()) {
            throw new SettingsException(
                    key,
                    "expected SimpleStrategy:<factor> or"
                            + " NetworkTopologyStrategy:<dc>=<factor>,... but no factor was given for " + strategy);
        }
        Map<String, Integer> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : factors.entrySet()) {
            String name = e.getKey();
            Integer factor = e.getValue();
            if (strategy.equals(SIMPLE)) {
                if (!SIMPLE_FACTOR.equals(name) || factors.size() != 1) {
                    throw new SettingsException(
                            key, "SimpleStrategy takes one factor, '" + SIMPLE_FACTOR + "', but was " + factors);
                }
            } else {
                checkDatacenter(key, name, name + "=" + factor);
            }
            if (factor == null || factor < 1 || factor > 99) {
                throw badFactor(key, String.valueOf(factor));
            }
            copy.put(name, factor);
        }
        return Collections.unmodifiableMap(copy);
    }

    private static void checkStrategy(String key, String strategy) {
        if (!SIMPLE.equals(strategy) && !NETWORK_TOPOLOGY.equals(strategy)) {
            throw new SettingsException(
                    key, "unknown replication strategy '" + strategy + "' (SimpleStrategy or NetworkTopologyStrategy)");
        }
    }

    /** {@code part} is the {@code <datacenter>=<factor>} text the name came from, for the message. */
    private static void checkDatacenter(String key, String name, String part) {
        // 'class' would be a second 'class' key in the CQL map.
        if (name == null || !DATACENTER.matcher(name).matches() || name.equals("class")) {
            throw notADatacenterFactor(key, part);
        }
    }

    private static SettingsException notADatacenterFactor(String key, String part) {
        return new SettingsException(
                key,
                "'" + part + "' is not <datacenter>=<factor>"
                        + " (data center names use letters, digits, '_', '.', '-', and are not 'class')");
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
        throw badFactor(key, text);
    }

    private static SettingsException badFactor(String key, String text) {
        return new SettingsException(key, "replication factor must be a whole number from 1 to 99, was '" + text + "'");
    }

    /**
     * The CQL map literal, as {@code CREATE KEYSPACE ... WITH replication =} takes it (the schema fills it in).
     * Every part was validated on construction; names are still quoted as CQL string
     * literals (a quote doubled), so that nothing here depends on the pattern to stay inside its quotes.
     */
    public String toCql() {
        return "{'class': " + literal(strategy) + ", "
                + factors.entrySet().stream()
                        .map(e -> literal(e.getKey()) + ": " + e.getValue().intValue())
                        .collect(Collectors.joining(", "))
                + "}";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return strategy + ":"
                + factors.entrySet().stream()
                        .map(e -> strategy.equals(SIMPLE)
                                ? String.valueOf(e.getValue())
                                : e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","));
    }
}
