package io.kafkacassandra.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Everything the services need to know about Cassandra and their own timing, validated as a whole: a value that
 * cannot work is refused with a {@link SettingsException} that names the key. Immutable.
 *
 * <p>The keys of {@code plugin.properties} are the constants below; the original plugin's keys
 * ({@code plugin.cassandra.contact.points}, {@code .keyspace}, {@code .le.renew.ttl.period.ms},
 * {@code .lr.pull.period.ms}) keep their meaning.
 */
public final class CassandraSettings {
    public static final String CONTACT_POINTS = "plugin.cassandra.contact.points";
    public static final String PORT = "plugin.cassandra.port";
    public static final String LOCAL_DATACENTER = "plugin.cassandra.local.datacenter";
    public static final String KEYSPACE = "plugin.cassandra.keyspace";
    public static final String USERNAME = "plugin.cassandra.username";
    public static final String PASSWORD = "plugin.cassandra.password";
    public static final String SSL_ENABLED = "plugin.cassandra.ssl.enabled";
    public static final String SSL_TRUSTSTORE_PATH = "plugin.cassandra.ssl.truststore.path";
    public static final String SSL_TRUSTSTORE_PASSWORD = "plugin.cassandra.ssl.truststore.password";
    public static final String SSL_KEYSTORE_PATH = "plugin.cassandra.ssl.keystore.path";
    public static final String SSL_KEYSTORE_PASSWORD = "plugin.cassandra.ssl.keystore.password";
    public static final String SSL_HOSTNAME_VALIDATION = "plugin.cassandra.ssl.hostname.validation";
    public static final String REQUEST_TIMEOUT_MS = "plugin.cassandra.request.timeout.ms";
    public static final String CONNECT_TIMEOUT_MS = "plugin.cassandra.connect.timeout.ms";
    public static final String LEASE_TTL_SECONDS = "plugin.cassandra.lease.ttl.seconds";
    public static final String RENEW_PERIOD_MS = "plugin.cassandra.le.renew.ttl.period.ms";
    public static final String POLL_PERIOD_MS = "plugin.cassandra.lr.pull.period.ms";
    public static final String CLOCK_DRIFT_MS = "plugin.cassandra.clock.drift.ms";
    public static final String SCHEMA_CREATE = "plugin.cassandra.schema.create";
    public static final String REPLICATION = "plugin.cassandra.replication";
    public static final String MAX_VALUE_BYTES = "plugin.cassandra.value.max.bytes";
    /**
     * Appended to a password key ({@link #PASSWORD}, {@link #SSL_TRUSTSTORE_PASSWORD}, {@link #SSL_KEYSTORE_PASSWORD})
     * it names a file that holds the password instead, so that the configuration (and Karaf's {@code config:list})
     * never shows it. The file is read when the settings are read; a final line break is dropped.
     */
    public static final String FILE_SUFFIX = ".file";

    /** ZooKeeper's default jute.maxbuffer: a value larger than this does not belong in a coordination store. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    /**
     * The default lease TTL, 5 s (the seed's 2 s is too short for production): a lease is trusted for
     * {@code TTL - 1 s - drift} = 3.8 s after each renewal is sent, renewed three times in that time, so a renewal
     * may fail and the next still lands even when lightweight transactions take 1.6 s at the 99th percentile, the
     * worst measured under load (docs/benchmarks.md, a three-node ring on two cores at 32 callers); with 2 s
     * (0.8 s of trust) the fault harness saw members and leaders lose their leases under such load. A crashed
     * leader is replaced within about TTL + one poll, still far sooner than Kafka's default ZooKeeper session
     * timeout of 18 s.
     */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern KEYSPACE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final List<InetSocketAddress> contactPoints;
    private final String localDatacenter;
    private final String keyspace;
    private final String username;
    private final String password;
    private final Tls tls;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration leaseTtl;
    private final Duration renewPeriod;
    private final Duration pollPeriod;
    private final Duration clockDrift;
    private final boolean createSchema;
    private final Replication replication;
    private final boolean replicationConfigured;
    private final int maxValueBytes;

    /** Client TLS: the server must present a certificate trusted by the truststore (or the JVM's default). */
    public record Tls(Path truststore, String truststorePassword, Path keystore, String keystorePassword,
                      boolean hostnameValidation) {
        @Override
        public String toString() {
            return "Tls[truststore=" + truststore + ", keystore=" + keystore + ", hostnameValidation="
                    + hostnameValidation + "]";
        }
    }

    private CassandraSettings(Builder b) {
        if (b.contactPoints.isEmpty()) {
            throw new SettingsException(CONTACT_POINTS, "at least one contact point is needed");
        }
        this.contactPoints = List.copyOf(b.contactPoints);
        this.localDatacenter = require(LOCAL_DATACENTER, b.localDatacenter, DATACENTER,
                "letters, digits, '_', '.', '-'");
        this.keyspace = require(KEYSPACE, b.keyspace, KEYSPACE_NAME,
                "a CQL identifier: a letter, then letters, digits or '_', at most 48 characters");
        if ((b.username == null) != (b.password == null)) {
            throw new SettingsException(b.username == null ? USERNAME : PASSWORD,
                    "username and password go together: set both or neither");
        }
        this.username = b.username;
        this.password = b.password;
        this.tls = b.tls;
        this.requestTimeout = positive(REQUEST_TIMEOUT_MS, b.requestTimeout);
        this.connectTimeout = positive(CONNECT_TIMEOUT_MS, b.connectTimeout);
        this.leaseTtl = b.leaseTtl;
        if (leaseTtl.toMillis() % 1000 != 0 || leaseTtl.getSeconds() < 2 || leaseTtl.getSeconds() > 3600) {
            throw new SettingsException(LEASE_TTL_SECONDS, "Cassandra TTLs count whole seconds: the lease TTL must be"
                    + " 2 to 3600 whole seconds, was " + leaseTtl.toMillis() + " ms");
        }
        this.renewPeriod = positive(RENEW_PERIOD_MS, b.renewPeriod);
        this.pollPeriod = positive(POLL_PERIOD_MS, b.pollPeriod);
        if (b.clockDrift.isNegative()) {
            throw new SettingsException(CLOCK_DRIFT_MS, "must not be negative, was " + b.clockDrift.toMillis());
        }
        this.clockDrift = b.clockDrift;
        if ((leaseValidity().isNegative() || leaseValidity().isZero()) || renewPeriod.compareTo(leaseValidity()) >= 0) {
            throw new SettingsException(RENEW_PERIOD_MS, "a lease is trusted for " + leaseValidity().toMillis()
                    + " ms after each renewal is sent (TTL " + leaseTtl.getSeconds() + " s, less 1 s for Cassandra's"
                    + " whole-second TTLs, less the clock drift of " + clockDrift.toMillis() + " ms), so the renew"
                    + " period must be shorter than that, was " + renewPeriod.toMillis() + " ms");
        }
        this.createSchema = b.createSchema;
        this.replicationConfigured = b.replication != null;
        this.replication = replicationConfigured ? b.replication : Replication.simple(1);
        if (b.maxValueBytes < 1 || b.maxValueBytes > 16 * 1024 * 1024) {
            throw new SettingsException(MAX_VALUE_BYTES, "must be from 1 to 16777216, was " + b.maxValueBytes);
        }
        this.maxValueBytes = b.maxValueBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads {@code plugin.properties} keys (see the constants); missing keys take their defaults. */
    public static CassandraSettings fromProperties(Properties properties) {
        Map<String, Object> map = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return fromMap(map);
    }

    /** Reads the same keys from a map, such as an OSGi configuration; values may be strings or numbers. */
    public static CassandraSettings fromMap(Map<String, ?> map) {
        Builder b = builder();
        int port = (int) number(map, PORT, 9042, 1, 65535);
        String points = text(map, CONTACT_POINTS);
        if (points != null) {
            b.contactPoints = parseContactPoints(points, port);
        }
        b.localDatacenter = orDefault(text(map, LOCAL_DATACENTER), b.localDatacenter);
        b.keyspace = orDefault(text(map, KEYSPACE), b.keyspace);
        b.username = text(map, USERNAME);
        b.password = secret(map, PASSWORD);
        if (bool(map, SSL_ENABLED, false)) {
            b.tls = new Tls(path(map, SSL_TRUSTSTORE_PATH), secret(map, SSL_TRUSTSTORE_PASSWORD),
                    path(map, SSL_KEYSTORE_PATH), secret(map, SSL_KEYSTORE_PASSWORD),
                    bool(map, SSL_HOSTNAME_VALIDATION, true));
        }
        b.requestTimeout = Duration.ofMillis(number(map, REQUEST_TIMEOUT_MS, b.requestTimeout.toMillis(), 1, 600_000));
        b.connectTimeout = Duration.ofMillis(number(map, CONNECT_TIMEOUT_MS, b.connectTimeout.toMillis(), 1, 600_000));
        b.leaseTtl = Duration.ofSeconds(number(map, LEASE_TTL_SECONDS, b.leaseTtl.getSeconds(), 2, 3600));
        b.renewPeriod = Duration.ofMillis(number(map, RENEW_PERIOD_MS, b.renewPeriod.toMillis(), 1, 3_600_000));
        b.pollPeriod = Duration.ofMillis(number(map, POLL_PERIOD_MS, b.pollPeriod.toMillis(), 1, 3_600_000));
        b.clockDrift = Duration.ofMillis(number(map, CLOCK_DRIFT_MS, b.clockDrift.toMillis(), 0, 60_000));
        b.createSchema = bool(map, SCHEMA_CREATE, b.createSchema);
        String replication = text(map, REPLICATION);
        if (replication != null) {
            b.replication = Replication.parse(REPLICATION, replication);
        }
        b.maxValueBytes = (int) number(map, MAX_VALUE_BYTES, b.maxValueBytes, 1, 16 * 1024 * 1024);
        return b.build();
    }

    static List<InetSocketAddress> parseContactPoints(String text, int defaultPort) {
        List<InetSocketAddress> points = new ArrayList<>();
        for (String raw : text.split(",")) {
            String point = raw.trim();
            if (point.isEmpty()) {
                continue;
            }
            String host = point;
            int port = defaultPort;
            int colon = point.lastIndexOf(':');
            if (colon > 0 && point.indexOf(':') == colon || point.startsWith("[") && point.contains("]:")) {
                host = point.substring(0, colon);
                try {
                    port = Integer.parseInt(point.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new SettingsException(CONTACT_POINTS, "'" + point + "' has no valid port (1-65535)");
                }
            }
            if (!HOST.matcher(host).matches()) {
                throw new SettingsException(CONTACT_POINTS, "'" + point + "' is not host[:port]");
            }
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            points.add(InetSocketAddress.createUnresolved(bare, port));
        }
        if (points.isEmpty()) {
            throw new SettingsException(CONTACT_POINTS, "at least one contact point is needed, was '" + text + "'");
        }
        return points;
    }

    private static String text(Map<String, ?> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        return text.isEmpty() ? null : text;
    }

    /** A password given as {@code key}, or in the file that {@code key.file} names; never both. */
    private static String secret(Map<String, ?> map, String key) {
        String inline = text(map, key);
        Path file = path(map, key + FILE_SUFFIX);
        if (file == null) {
            return inline;
        }
        if (inline != null) {
            throw new SettingsException(key + FILE_SUFFIX, "set " + key + " or " + key + FILE_SUFFIX + ", not both");
        }
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String secret = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            if (secret.isEmpty()) {
                throw new SettingsException(key + FILE_SUFFIX, file + " is empty");
            }
            return secret;
        } catch (IOException | UncheckedIOException e) {
            throw new SettingsException(key + FILE_SUFFIX, "cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static Path path(Map<String, ?> map, String key) {
        String text = text(map, key);
        try {
            return text == null ? null : Path.of(text);
        } catch (InvalidPathException e) {
            throw new SettingsException(key, "is not a file path: " + Text.preview(text));
        }
    }

    private static long number(Map<String, ?> map, String key, long fallback, long min, long max) {
        String text = text(map, key);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new SettingsException(key, "must be a whole number, was '" + text + "'");
        }
        if (value < min || value > max) {
            throw new SettingsException(key, "must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    private static boolean bool(Map<String, ?> map, String key, boolean fallback) {
        String text = text(map, key);
        if (text == null) {
            return fallback;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new SettingsException(key, "must be true or false, was '" + text + "'");
    }

    private static String require(String key, String value, Pattern pattern, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new SettingsException(key, "must be " + rule + ", was " + (value == null ? "missing" : "'" + value + "'"));
        }
        return value;
    }

    private static Duration positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new SettingsException(key, "must be positive, was " + value);
        }
        return value;
    }

    public List<InetSocketAddress> contactPoints() {
        return contactPoints;
    }

    /** The contact points as an operator writes them: host:port, comma separated. */
    public String contactPointsText() {
        return String.join(",", contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    public String keyspace() {
        return keyspace;
    }

    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The password; never logged, never in {@link #toString()}. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public Optional<Tls> tls() {
        return Optional.ofNullable(tls);
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** TTL of leadership and membership leases in Cassandra: whole seconds. */
    public Duration leaseTtl() {
        return leaseTtl;
    }

    public Duration renewPeriod() {
        return renewPeriod;
    }

    /** Period of the polls that feed listeners and the candidates waiting for a vacant post. */
    public Duration pollPeriod() {
        return pollPeriod;
    }

    public Duration clockDrift() {
        return clockDrift;
    }

    /**
     * How long after a lease write is <em>sent</em> its holder may trust it: the TTL, less one second because
     * Cassandra stamps the TTL in whole seconds of the coordinator's clock (the lease may end up to one second
     * earlier than TTL after the write), less the clock drift allowed between this process and Cassandra.
     */
    public Duration leaseValidity() {
        return leaseTtl.minusSeconds(1).minus(clockDrift);
    }

    public boolean createSchema() {
        return createSchema;
    }

    /** The configured replication, or one replica when none is configured (see {@link #replicationConfigured()}). */
    public Replication replication() {
        return replication;
    }

    /**
     * Whether {@link #REPLICATION} was set. When it was not, the plugin creates its keyspace with one replica on
     * a one-node cluster and three (at most the number of nodes) on a larger one.
     */
    public boolean replicationConfigured() {
        return replicationConfigured;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public String toString() {
        return "CassandraSettings[contactPoints=" + contactPointsText() + ", localDatacenter=" + localDatacenter
                + ", keyspace=" + keyspace + ", username=" + username + ", password=" + (password == null ? "none" : "****")
                + ", tls=" + tls + ", requestTimeout=" + requestTimeout + ", leaseTtl=" + leaseTtl
                + ", renewPeriod=" + renewPeriod + ", pollPeriod=" + pollPeriod + ", clockDrift=" + clockDrift
                + ", createSchema=" + createSchema + ", replication=" + replication + "]";
    }

    /**
     * Defaults: lease TTL 5 s (see {@link #DEFAULT_LEASE_TTL}), renew every 500 ms, poll every 500 ms (the
     * seed's timings), keyspace kafka_cluster_1.
     */
    public static final class Builder {
        private List<InetSocketAddress> contactPoints = List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042));
        private String localDatacenter = "datacenter1";
        private String keyspace = "kafka_cluster_1";
        private String username;
        private String password;
        private Tls tls;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration leaseTtl = DEFAULT_LEASE_TTL;
        private Duration renewPeriod = Duration.ofMillis(500);
        private Duration pollPeriod = Duration.ofMillis(500);
        private Duration clockDrift = Duration.ofMillis(200);
        private boolean createSchema = true;
        private Replication replication; // null: chosen from the cluster's size
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

        public Builder contactPoints(List<InetSocketAddress> points) {
            this.contactPoints = List.copyOf(points);
            return this;
        }

        public Builder localDatacenter(String dc) {
            this.localDatacenter = dc;
            return this;
        }

        public Builder keyspace(String keyspace) {
            this.keyspace = keyspace;
            return this;
        }

        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = ttl;
            return this;
        }

        public Builder renewPeriod(Duration period) {
            this.renewPeriod = period;
            return this;
        }

        public Builder pollPeriod(Duration period) {
            this.pollPeriod = period;
            return this;
        }

        public Builder clockDrift(Duration drift) {
            this.clockDrift = drift;
            return this;
        }

        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        public Builder replication(Replication replication) {
            this.replication = Objects.requireNonNull(replication, "replication");
            return this;
        }

        public Builder maxValueBytes(int bytes) {
            this.maxValueBytes = bytes;
            return this;
        }

        public CassandraSettings build() {
            return new CassandraSettings(this);
        }
    }
}
