package io.kafkacassandra.session;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Every key of {@code plugin.properties} (the OSGi configuration has the same keys), declared once with its type,
 * default, range and whether it is secret. {@link CassandraSettings#fromMap} reads its defaults and ranges here and
 * the builder checks through the same methods, so both refuse a value with the same message; SettingKeyTest holds
 * the metatype, docs/plugin.properties and the feature's .cfg to this table.
 */
public enum SettingKey {
    CONTACT_POINTS(
            CassandraSettings.CONTACT_POINTS,
            Type.TEXT,
            "127.0.0.1",
            "Cassandra nodes to contact first: host[:port], comma separated ([v6]:port for IPv6)"),
    PORT(CassandraSettings.PORT, Type.NUMBER, 9042, 1, 65_535, "Port of contact points that name none"),
    LOCAL_DATACENTER(
            CassandraSettings.LOCAL_DATACENTER, Type.TEXT, "datacenter1", "The data center whose nodes serve requests"),
    KEYSPACE(
            CassandraSettings.KEYSPACE,
            Type.TEXT,
            "kafka_cluster_1",
            "Keyspace of the plugin's tables: a letter, then letters, digits or _, at most 48 characters"),
    USERNAME(CassandraSettings.USERNAME, Type.TEXT, null, "PasswordAuthenticator user; with a password or neither"),
    PASSWORD(CassandraSettings.PASSWORD, Type.SECRET, null, "PasswordAuthenticator password"),
    PASSWORD_FILE(
            CassandraSettings.PASSWORD + CassandraSettings.FILE_SUFFIX,
            Type.PATH,
            null,
            "A file holding the password instead"),
    SSL_ENABLED(CassandraSettings.SSL_ENABLED, Type.BOOLEAN, "false", "Client TLS"),
    SSL_TRUSTSTORE_PATH(
            CassandraSettings.SSL_TRUSTSTORE_PATH,
            Type.PATH,
            null,
            "Trust store (PKCS12 or JKS) for the nodes' certificates; unset: the JVM's"),
    SSL_TRUSTSTORE_PASSWORD(CassandraSettings.SSL_TRUSTSTORE_PASSWORD, Type.SECRET, null, "Trust store password"),
    SSL_TRUSTSTORE_PASSWORD_FILE(
            CassandraSettings.SSL_TRUSTSTORE_PASSWORD + CassandraSettings.FILE_SUFFIX,
            Type.PATH,
            null,
            "A file holding the trust store password instead"),
    SSL_KEYSTORE_PATH(CassandraSettings.SSL_KEYSTORE_PATH, Type.PATH, null, "Key store for a client certificate"),
    SSL_KEYSTORE_PASSWORD(CassandraSettings.SSL_KEYSTORE_PASSWORD, Type.SECRET, null, "Key store password"),
    SSL_KEYSTORE_PASSWORD_FILE(
            CassandraSettings.SSL_KEYSTORE_PASSWORD + CassandraSettings.FILE_SUFFIX,
            Type.PATH,
            null,
            "A file holding the key store password instead"),
    SSL_HOSTNAME_VALIDATION(
            CassandraSettings.SSL_HOSTNAME_VALIDATION,
            Type.BOOLEAN,
            "true",
            "Verify that a node's certificate names it"),
    REQUEST_TIMEOUT_MS(
            CassandraSettings.REQUEST_TIMEOUT_MS, Type.MILLISECONDS, 5_000, 1, 600_000, "Driver request timeout"),
    CONNECT_TIMEOUT_MS(
            CassandraSettings.CONNECT_TIMEOUT_MS, Type.MILLISECONDS, 5_000, 1, 600_000, "Driver connect timeout"),
    /** Why 5 s: see {@link CassandraSettings#DEFAULT_LEASE_TTL}. */
    LEASE_TTL_SECONDS(
            CassandraSettings.LEASE_TTL_SECONDS,
            Type.SECONDS,
            5,
            2,
            3_600,
            "TTL of leader and member leases, whole seconds"),
    RENEW_PERIOD_MS(
            CassandraSettings.RENEW_PERIOD_MS,
            Type.MILLISECONDS,
            500,
            1,
            3_600_000,
            "Lease renew period; shorter than TTL - 1 s - clock drift"),
    POLL_PERIOD_MS(
            CassandraSettings.POLL_PERIOD_MS,
            Type.MILLISECONDS,
            500,
            1,
            3_600_000,
            "Period of the polls behind group watchers, waiting candidates, and listeners if the change feed is off"),
    CHANGES_PERIOD_MS(
            CassandraSettings.CHANGES_PERIOD_MS,
            Type.MILLISECONDS,
            25,
            0,
            60_000,
            "Period of the change feed's read (two after 5 s without changes), which wakes the polls of what changed;"
                    + " 0: no feed, polls only"),
    SAFETY_POLL_PERIOD_MS(
            CassandraSettings.SAFETY_POLL_PERIOD_MS,
            Type.MILLISECONDS,
            10_000,
            1,
            3_600_000,
            "Period of each watched namespace's poll while the change feed is on: the bound if a hint is lost"),
    CLOCK_DRIFT_MS(
            CassandraSettings.CLOCK_DRIFT_MS,
            Type.MILLISECONDS,
            200,
            0,
            60_000,
            "Largest difference between the wall clocks of any two Cassandra nodes"),
    SCHEMA_CREATE(CassandraSettings.SCHEMA_CREATE, Type.BOOLEAN, "true", "Create the keyspace and tables if missing"),
    REPLICATION(
            CassandraSettings.REPLICATION,
            Type.TEXT,
            null,
            "SimpleStrategy:<factor> or NetworkTopologyStrategy:<dc>=<factor>,...; unset: chosen from the ring's size"),
    MAX_VALUE_BYTES(
            CassandraSettings.MAX_VALUE_BYTES,
            Type.NUMBER,
            CassandraSettings.DEFAULT_MAX_VALUE_BYTES,
            1,
            16 * 1024 * 1024,
            "Largest stored value, in bytes of UTF-8");

    /** How a value is written; a secret is text that is never logged nor shown. */
    public enum Type {
        TEXT,
        SECRET,
        PATH,
        BOOLEAN,
        NUMBER,
        MILLISECONDS,
        SECONDS
    }

    private final String key;
    private final Type type;
    private final String defaultValue;
    private final long min;
    private final long max;
    private final String description;

    SettingKey(String key, Type type, String defaultValue, String description) {
        this(key, type, defaultValue, 0, -1, description);
    }

    SettingKey(String key, Type type, long defaultValue, long min, long max, String description) {
        this(key, type, Long.toString(defaultValue), min, max, description);
    }

    private SettingKey(String key, Type type, String defaultValue, long min, long max, String description) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.description = description;
    }

    /** The key as written in plugin.properties and in the OSGi configuration. */
    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    /** The default as written in plugin.properties, or null: unset. */
    public String defaultValue() {
        return defaultValue;
    }

    /** Whether the value is a whole number (of {@link #type()} units) from {@link #min()} to {@link #max()}. */
    public boolean ranged() {
        return type == Type.NUMBER || type == Type.MILLISECONDS || type == Type.SECONDS;
    }

    /** The smallest value allowed, if {@link #ranged()}. */
    public long min() {
        return min;
    }

    /** The largest value allowed, if {@link #ranged()}. */
    public long max() {
        return max;
    }

    public boolean secret() {
        return type == Type.SECRET;
    }

    public String description() {
        return description;
    }

    long defaultNumber() {
        return Long.parseLong(defaultValue);
    }

    /** A number of this key's units as a duration (milliseconds unless the type is {@link Type#SECONDS}). */
    Duration toDuration(long units) {
        return type == Type.SECONDS ? Duration.ofSeconds(units) : Duration.ofMillis(units);
    }

    boolean defaultBoolean() {
        return Boolean.parseBoolean(defaultValue);
    }

    /** The one range check of this key, for fromMap and the builder alike. */
    long check(long value) {
        if (value < min || value > max) {
            throw new SettingsException(key, "must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    /**
     * A duration as the number of whole units that fromMap would have read for it, checked by {@link #check(long)}.
     * A fraction of a unit cannot be written in plugin.properties, so the builder refuses it too.
     */
    long check(Duration value) {
        Duration unit = (type == Type.SECONDS ? ChronoUnit.SECONDS : ChronoUnit.MILLIS).getDuration();
        if (value == null) {
            throw new SettingsException(key, "must be set, was missing");
        }
        long units;
        try {
            units = value.dividedBy(unit);
        } catch (ArithmeticException e) {
            throw new SettingsException(key, "must be from " + min + " to " + max + ", was " + value);
        }
        if (!unit.multipliedBy(units).equals(value)) {
            throw new SettingsException(
                    key, "must be whole " + (type == Type.SECONDS ? "seconds" : "milliseconds") + ", was " + value);
        }
        return check(units);
    }
}
