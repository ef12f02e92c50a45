package io.kafkacassandra.session;

import io.kafkacassandra.session.internal.Text;
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
 * <p>The keys of {@code plugin.properties} are the constants below; their types, defaults and ranges are declared
 * in {@link SettingKey}, which both {@link #fromMap} and the {@link Builder} check through. The original plugin's keys
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
    public static final String CHANGES_PERIOD_MS = "plugin.cassandra.changes.period.ms";
    public static final String SAFETY_POLL_PERIOD_MS = "plugin.cassandra.lr.safety.poll.period.ms";
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
    public static final Duration DEFAULT_LEASE_TTL =
            SettingKey.LEASE_TTL_SECONDS.toDuration(SettingKey.LEASE_TTL_SECONDS.defaultNumber());

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern KEYSPACE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final String DATACENTER_RULE = "letters, digits, '_', '.', '-'";
    private static final String KEYSPACE_RULE =
            "a CQL identifier: a letter, then letters, digits or '_', at most 48 characters";
    private static final String CREDENTIALS_RULE = "username and password go together: set both or neither";

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
    private final Duration changesPeriod;
    private final Duration safetyPollPeriod;
    private final boolean createSchema;
    private final Replication replication;
    private final boolean replicationConfigured;
    private final int maxValueBytes;

    /** Client TLS: the server must present a certificate trusted by the truststore (or the JVM's default). */
    public record Tls(
            Path truststore,
            String truststorePassword,
            Path keystore,
            String keystorePassword,
            boolean hostnameValidation) {
        @Override
        public String toString() {
            return "Tls[truststore=" + truststore + ", keystore=" + keystore + ", hostnameValidation="
                    + hostnameValidation + "]";
        }
    }

    /** Every value was checked by its builder setter (as fromMap's are); only relations between values are left. */
    private CassandraSettings(Builder b) {
        this.contactPoints = b.contactPoints;
        this.localDatacenter = b.localDatacenter;
        this.keyspace = b.keyspace;
        this.username = b.username;
        this.password = b.password;
        this.tls = b.tls;
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.leaseTtl = b.leaseTtl;
        this.renewPeriod = b.renewPeriod;
        this.pollPeriod = b.pollPeriod;
        this.clockDrift = b.clockDrift;
        this.changesPeriod = b.changesPeriod;
        this.safetyPollPeriod = b.safetyPollPeriod;
        if ((leaseValidity().isNegative() || leaseValidity().isZero()) || renewPeriod.compareTo(leaseValidity()) >= 0) {
            throw new SettingsException(
                    RENEW_PERIOD_MS,
                    "a lease is trusted for " + leaseValidity().toMillis()
                            + " ms after each renewal is sent (TTL " + leaseTtl.getSeconds()
                            + " s, less 1 s for Cassandra's"
                            + " whole-second TTLs, less the clock drift of " + clockDrift.toMillis()
                            + " ms), so the renew"
                            + " period must be shorter than that, was " + renewPeriod.toMillis() + " ms");
        }
        this.createSchema = b.createSchema;
        this.replicationConfigured = b.replication != null;
        this.replication = replicationConfigured ? b.replication : Replication.simple(1);
        this.maxValueBytes = b.maxValueBytes;
    }

    /**
     * The same settings with the change feed off for watchers (they poll every {@link #pollPeriod()}): for a
     * service whose watchers need no faster news, so that it does not read the feed several times a second.
     */
    public CassandraSettings withoutChangeFeed() {
        Builder b = new Builder();
        b.contactPoints = contactPoints;
        b.localDatacenter = localDatacenter;
        b.keyspace = keyspace;
        b.username = username;
        b.password = password;
        b.tls = tls;
        b.requestTimeout = requestTimeout;
        b.connectTimeout = connectTimeout;
        b.leaseTtl = leaseTtl;
        b.renewPeriod = renewPeriod;
        b.pollPeriod = pollPeriod;
        b.clockDrift = clockDrift;
        b.changesPeriod = Duration.ZERO;
        b.safetyPollPeriod = safetyPollPeriod;
        b.createSchema = createSchema;
        b.replication = replicationConfigured ? replication : null;
        b.maxValueBytes = maxValueBytes;
        return new CassandraSettings(b);
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

    /**
     * Reads the same keys from a map, such as an OSGi configuration; values may be strings or numbers. Every value
     * goes through the builder's setter, so that a value is refused here exactly when the builder refuses it.
     */
    public static CassandraSettings fromMap(Map<String, ?> map) {
        Builder b = builder();
        int port = (int) number(map, SettingKey.PORT);
        // The default contact point names no port either: it takes the configured one.
        b.contactPoints(parseContactPoints(
                orDefault(text(map, CONTACT_POINTS), SettingKey.CONTACT_POINTS.defaultValue()), port));
        String datacenter = text(map, LOCAL_DATACENTER);
        if (datacenter != null) {
            b.localDatacenter(datacenter);
        }
        String keyspace = text(map, KEYSPACE);
        if (keyspace != null) {
            b.keyspace(keyspace);
        }
        b.credentials(text(map, USERNAME), secret(map, PASSWORD));
        if (bool(map, SettingKey.SSL_ENABLED)) {
            b.tls(new Tls(
                    path(map, SSL_TRUSTSTORE_PATH),
                    secret(map, SSL_TRUSTSTORE_PASSWORD),
                    path(map, SSL_KEYSTORE_PATH),
                    secret(map, SSL_KEYSTORE_PASSWORD),
                    bool(map, SettingKey.SSL_HOSTNAME_VALIDATION)));
        }
        b.requestTimeout(duration(map, SettingKey.REQUEST_TIMEOUT_MS));
        b.connectTimeout(duration(map, SettingKey.CONNECT_TIMEOUT_MS));
        b.leaseTtl(duration(map, SettingKey.LEASE_TTL_SECONDS));
        b.renewPeriod(duration(map, SettingKey.RENEW_PERIOD_MS));
        b.pollPeriod(duration(map, SettingKey.POLL_PERIOD_MS));
        b.clockDrift(duration(map, SettingKey.CLOCK_DRIFT_MS));
        b.changesPeriod(duration(map, SettingKey.CHANGES_PERIOD_MS));
        b.safetyPollPeriod(duration(map, SettingKey.SAFETY_POLL_PERIOD_MS));
        b.createSchema(bool(map, SettingKey.SCHEMA_CREATE));
        String replication = text(map, REPLICATION);
        if (replication != null) {
            b.replication(Replication.parse(REPLICATION, replication));
        }
        b.maxValueBytes((int) number(map, SettingKey.MAX_VALUE_BYTES));
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
            String secret = content.endsWith("\r\n")
                    ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            if (secret.isEmpty()) {
                throw new SettingsException(key + FILE_SUFFIX, file + " is empty");
            }
            return secret;
        } catch (IOException | UncheckedIOException e) {
            throw new SettingsException(
                    key + FILE_SUFFIX,
                    "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
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

    /** The key's number, its default when unset; the range check is the key's own, as the builder's is. */
    private static long number(Map<String, ?> map, SettingKey key) {
        String text = text(map, key.key());
        if (text == null) {
            return key.defaultNumber();
        }
        try {
            return key.check(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new SettingsException(key.key(), "must be a whole number, was '" + text + "'");
        }
    }

    private static Duration duration(Map<String, ?> map, SettingKey key) {
        return key.toDuration(number(map, key));
    }

    private static boolean bool(Map<String, ?> map, SettingKey key) {
        String text = text(map, key.key());
        if (text == null) {
            return key.defaultBoolean();
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new SettingsException(key.key(), "must be true or false, was '" + text + "'");
    }

    private static String require(String key, String value, Pattern pattern, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new SettingsException(
                    key, "must be " + rule + ", was " + (value == null ? "missing" : "'" + value + "'"));
        }
        return value;
    }

    /** parseContactPoints' checks, for an address handed to the builder: the same message for the same point. */
    private static InetSocketAddress checkContactPoint(InetSocketAddress address) {
        String host = address.getHostString();
        String written = host.indexOf(':') >= 0 ? "[" + host + "]" : host; // IPv6, as an operator writes it
        String point = written + ":" + address.getPort();
        if (address.getPort() < 1) { // InetSocketAddress refuses ports above 65535 itself
            throw new SettingsException(CONTACT_POINTS, "'" + point + "' has no valid port (1-65535)");
        }
        if (!HOST.matcher(written).matches()) {
            throw new SettingsException(CONTACT_POINTS, "'" + point + "' is not host[:port]");
        }
        return address;
    }

    public List<InetSocketAddress> contactPoints() {
        return contactPoints;
    }

    /** The contact points as an operator writes them: host:port, comma separated. */
    public String contactPointsText() {
        return String.join(
                ",",
                contactPoints.stream()
                        .map(a -> a.getHostString() + ":" + a.getPort())
                        .toList());
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

    /** Period of the change feed's read; zero: no feed is read, listeners poll every {@link #pollPeriod()}. */
    public Duration changesPeriod() {
        return changesPeriod;
    }

    /** The period of each watched namespace's poll while the change feed is on. */
    public Duration safetyPollPeriod() {
        return safetyPollPeriod;
    }

    /** Whether watchers read the change feed (writers always append to it). */
    public boolean changeFeedOn() {
        return !changesPeriod.isZero();
    }

    /**
     * How often a listener registry polls each watched namespace: the safety poll period while the change feed is
     * on (the feed wakes the poll of a namespace that changed), the poll period otherwise.
     */
    public Duration namespacePollPeriod() {
        return changeFeedOn() ? safetyPollPeriod : pollPeriod;
    }

    /**
     * How long after a lease write is <em>sent</em> its holder may trust it: the TTL, less one second because
     * Cassandra stamps the TTL in whole seconds of the coordinator's clock (the lease may end up to one second
     * earlier than TTL after the write), less the clock drift allowed between Cassandra nodes (the node that reads
     * the lease may judge its expiry by a clock ahead of the coordinator's).
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
                + ", keyspace=" + keyspace + ", username=" + username + ", password="
                + (password == null ? "none" : "****")
                + ", tls=" + tls + ", requestTimeout=" + requestTimeout + ", leaseTtl=" + leaseTtl
                + ", renewPeriod=" + renewPeriod + ", pollPeriod=" + pollPeriod + ", clockDrift=" + clockDrift
                + ", changesPeriod=" + changesPeriod + ", safetyPollPeriod=" + safetyPollPeriod
                + ", createSchema=" + createSchema + ", replication=" + replication + "]";
    }

    /**
     * Starts from the defaults of {@link SettingKey}. Every setter refuses what {@link #fromMap} refuses, with the
     * same {@link SettingsException}; {@link #build()} then checks the values against each other.
     */
    public static final class Builder {
        private List<InetSocketAddress> contactPoints =
                parseContactPoints(SettingKey.CONTACT_POINTS.defaultValue(), (int) SettingKey.PORT.defaultNumber());
        private String localDatacenter = SettingKey.LOCAL_DATACENTER.defaultValue();
        private String keyspace = SettingKey.KEYSPACE.defaultValue();
        private String username;
        private String password;
        private Tls tls;
        private Duration requestTimeout = defaultDuration(SettingKey.REQUEST_TIMEOUT_MS);
        private Duration connectTimeout = defaultDuration(SettingKey.CONNECT_TIMEOUT_MS);
        private Duration leaseTtl = DEFAULT_LEASE_TTL;
        private Duration renewPeriod = defaultDuration(SettingKey.RENEW_PERIOD_MS);
        private Duration pollPeriod = defaultDuration(SettingKey.POLL_PERIOD_MS);
        private Duration clockDrift = defaultDuration(SettingKey.CLOCK_DRIFT_MS);
        private Duration changesPeriod = defaultDuration(SettingKey.CHANGES_PERIOD_MS);
        private Duration safetyPollPeriod = defaultDuration(SettingKey.SAFETY_POLL_PERIOD_MS);
        private boolean createSchema = SettingKey.SCHEMA_CREATE.defaultBoolean();
        private Replication replication; // null: chosen from the cluster's size
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

        private static Duration defaultDuration(SettingKey key) {
            return key.toDuration(key.defaultNumber());
        }

        public Builder contactPoints(List<InetSocketAddress> points) {
            List<InetSocketAddress> copy = List.copyOf(points);
            if (copy.isEmpty()) {
                throw new SettingsException(CONTACT_POINTS, "at least one contact point is needed");
            }
            copy.forEach(CassandraSettings::checkContactPoint);
            this.contactPoints = copy;
            return this;
        }

        public Builder localDatacenter(String dc) {
            this.localDatacenter = require(LOCAL_DATACENTER, dc, DATACENTER, DATACENTER_RULE);
            return this;
        }

        public Builder keyspace(String keyspace) {
            this.keyspace = require(KEYSPACE, keyspace, KEYSPACE_NAME, KEYSPACE_RULE);
            return this;
        }

        /** Both or neither; unset is a null or blank user, a null or empty password (a file may hold blanks). */
        public Builder credentials(String username, String password) {
            boolean hasUsername = username != null && !username.trim().isEmpty();
            boolean hasPassword = password != null && !password.isEmpty(); // a password may be all blanks
            if (hasUsername != hasPassword) {
                throw new SettingsException(hasUsername ? PASSWORD : USERNAME, CREDENTIALS_RULE);
            }
            this.username = hasUsername ? username : null;
            this.password = hasPassword ? password : null;
            return this;
        }

        /** Null: no TLS. Unchecked: fromMap refuses no value a Tls can hold (its paths are parsed already). */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            SettingKey.REQUEST_TIMEOUT_MS.check(timeout);
            this.requestTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            SettingKey.CONNECT_TIMEOUT_MS.check(timeout);
            this.connectTimeout = timeout;
            return this;
        }

        /** Whole seconds: Cassandra's TTLs count whole seconds. */
        public Builder leaseTtl(Duration ttl) {
            SettingKey.LEASE_TTL_SECONDS.check(ttl);
            this.leaseTtl = ttl;
            return this;
        }

        public Builder renewPeriod(Duration period) {
            SettingKey.RENEW_PERIOD_MS.check(period);
            this.renewPeriod = period;
            return this;
        }

        public Builder pollPeriod(Duration period) {
            SettingKey.POLL_PERIOD_MS.check(period);
            this.pollPeriod = period;
            return this;
        }

        /** Zero turns the feed's reading off. */
        public Builder changesPeriod(Duration period) {
            SettingKey.CHANGES_PERIOD_MS.check(period);
            this.changesPeriod = period;
            return this;
        }

        public Builder safetyPollPeriod(Duration period) {
            SettingKey.SAFETY_POLL_PERIOD_MS.check(period);
            this.safetyPollPeriod = period;
            return this;
        }

        public Builder clockDrift(Duration drift) {
            SettingKey.CLOCK_DRIFT_MS.check(drift);
            this.clockDrift = drift;
            return this;
        }

        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /** Nothing left to check: a Replication checks itself on construction as fromMap's parse does. */
        public Builder replication(Replication replication) {
            this.replication = Objects.requireNonNull(replication, "replication");
            return this;
        }

        public Builder maxValueBytes(int bytes) {
            SettingKey.MAX_VALUE_BYTES.check(bytes);
            this.maxValueBytes = bytes;
            return this;
        }

        public CassandraSettings build() {
            return new CassandraSettings(this);
        }
    }
}
