package io.kafkacassandra.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pure logic: {@link SettingKey} is the one declaration of the configuration keys, and everything else that names
 * them (fromMap, the builder, the OSGi metatype, docs/plugin.properties, the feature's .cfg) agrees with it.
 */
class SettingKeyTest {
    /** Surefire runs in the module's directory; the files below are found from there. */
    private static final Path MODULE = Path.of(System.getProperty("basedir", ""));

    private static final String METATYPE_SOURCE =
            "src/main/java/io/kafkacassandra/session/osgi/CassandraSessionConfig.java";
    /** {@code key=value} or {@code # key = value}: a commented line documents a key too. */
    private static final Pattern ASSIGNMENT =
            Pattern.compile("(#?)\\s*(plugin\\.cassandra\\.[A-Za-z0-9._]*[A-Za-z0-9])\\s*=\\s*(.*)");

    private static final Pattern MENTION = Pattern.compile("plugin\\.cassandra\\.[A-Za-z0-9._]*[A-Za-z0-9]");
    /** The builder's setter of each duration key. */
    private static final Map<SettingKey, BiConsumer<CassandraSettings.Builder, Duration>> DURATIONS = Map.of(
            SettingKey.REQUEST_TIMEOUT_MS, CassandraSettings.Builder::requestTimeout,
            SettingKey.CONNECT_TIMEOUT_MS, CassandraSettings.Builder::connectTimeout,
            SettingKey.LEASE_TTL_SECONDS, CassandraSettings.Builder::leaseTtl,
            SettingKey.RENEW_PERIOD_MS, CassandraSettings.Builder::renewPeriod,
            SettingKey.POLL_PERIOD_MS, CassandraSettings.Builder::pollPeriod,
            SettingKey.CLOCK_DRIFT_MS, CassandraSettings.Builder::clockDrift,
            SettingKey.CHANGES_PERIOD_MS, CassandraSettings.Builder::changesPeriod,
            SettingKey.SAFETY_POLL_PERIOD_MS, CassandraSettings.Builder::safetyPollPeriod);

    private static Map<String, SettingKey> table() {
        return Arrays.stream(SettingKey.values()).collect(Collectors.toMap(SettingKey::key, k -> k));
    }

    private static Set<String> keys() {
        return new TreeSet<>(table().keySet());
    }

    @Test
    void fromMapReadsExactlyTheKeysOfTheTable() {
        Set<String> read = new TreeSet<>();
        Map<String, Object> configuration = new HashMap<>() {
            @Override
            public Object get(Object key) {
                read.add((String) key);
                return super.get(key);
            }
        };
        configuration.put(CassandraSettings.SSL_ENABLED, "true"); // the TLS keys are read only then
        CassandraSettings.fromMap(configuration);
        assertEquals(keys(), read);
        assertEquals(SettingKey.values().length, keys().size(), "every key is declared once");
    }

    @Test
    void everySecretIsAPasswordThatMayComeFromAFile() {
        Set<SettingKey> secrets = EnumSet.noneOf(SettingKey.class);
        for (SettingKey key : SettingKey.values()) {
            if (key.secret()) {
                secrets.add(key);
                SettingKey file = table().get(key.key() + CassandraSettings.FILE_SUFFIX);
                assertNotNull(file, key.key() + CassandraSettings.FILE_SUFFIX);
                assertEquals(SettingKey.Type.PATH, file.type(), "the file's path is no secret: config:list shows it");
            }
        }
        assertEquals(
                EnumSet.of(SettingKey.PASSWORD, SettingKey.SSL_TRUSTSTORE_PASSWORD, SettingKey.SSL_KEYSTORE_PASSWORD),
                secrets);
    }

    @Test
    void theBuilderAndFromMapStartFromTheTablesDefaults() {
        List<Object> expected = List.of(
                text(SettingKey.CONTACT_POINTS) + ":" + text(SettingKey.PORT),
                text(SettingKey.LOCAL_DATACENTER),
                text(SettingKey.KEYSPACE),
                Optional.ofNullable(text(SettingKey.USERNAME)),
                Optional.ofNullable(text(SettingKey.PASSWORD)),
                Boolean.parseBoolean(text(SettingKey.SSL_ENABLED)),
                duration(SettingKey.REQUEST_TIMEOUT_MS),
                duration(SettingKey.CONNECT_TIMEOUT_MS),
                duration(SettingKey.LEASE_TTL_SECONDS),
                duration(SettingKey.RENEW_PERIOD_MS),
                duration(SettingKey.POLL_PERIOD_MS),
                duration(SettingKey.CLOCK_DRIFT_MS),
                Boolean.parseBoolean(text(SettingKey.SCHEMA_CREATE)),
                text(SettingKey.REPLICATION) != null,
                Integer.parseInt(text(SettingKey.MAX_VALUE_BYTES)));
        assertEquals(expected, values(CassandraSettings.builder().build()));
        assertEquals(expected, values(CassandraSettings.fromMap(Map.of())));
        assertEquals(CassandraSettings.DEFAULT_LEASE_TTL, duration(SettingKey.LEASE_TTL_SECONDS));
        assertEquals(
                Boolean.parseBoolean(text(SettingKey.SSL_HOSTNAME_VALIDATION)),
                CassandraSettings.fromMap(Map.of(CassandraSettings.SSL_ENABLED, "true"))
                        .tls()
                        .orElseThrow()
                        .hostnameValidation());
    }

    private static String text(SettingKey key) {
        return key.defaultValue();
    }

    /** Written apart from SettingKey's own conversion, so that this test checks it. */
    private static Duration duration(SettingKey key) {
        return unit(key).multipliedBy(Long.parseLong(key.defaultValue()));
    }

    private static Duration unit(SettingKey key) {
        return key.type() == SettingKey.Type.SECONDS ? Duration.ofSeconds(1) : Duration.ofMillis(1);
    }

    private static List<Object> values(CassandraSettings s) {
        return List.of(
                s.contactPointsText(),
                s.localDatacenter(),
                s.keyspace(),
                s.username(),
                s.password(),
                s.tls().isPresent(),
                s.requestTimeout(),
                s.connectTimeout(),
                s.leaseTtl(),
                s.renewPeriod(),
                s.pollPeriod(),
                s.clockDrift(),
                s.createSchema(),
                s.replicationConfigured(),
                s.maxValueBytes());
    }

    /**
     * Names and defaults come from the compiled annotation type (method defaults are kept at run time); the
     * {@code @AttributeDefinition} arguments are not (CLASS retention, and bnd writes the metatype XML only when it
     * packages the jar, after the tests), so they are read from the source.
     */
    @Test
    void theMetatypeDeclaresTheSameKeysDefaultsRangesAndPasswords() throws Exception {
        Class<?> config = Class.forName("io.kafkacassandra.session.osgi.CassandraSessionConfig");
        Map<String, Method> attributes = new TreeMap<>();
        for (Method method : config.getDeclaredMethods()) {
            if (!method.isSynthetic()) {
                attributes.put(attributeId(method.getName()), method);
            }
        }
        assertEquals(keys(), attributes.keySet(), "the metatype's attributes");

        Map<String, String> definitions = attributeDefinitions();
        assertEquals(attributes.size(), definitions.size(), "every attribute's @AttributeDefinition is read");
        for (SettingKey key : SettingKey.values()) {
            Method method = attributes.get(key.key());
            String definition = definitions.get(method.getName());
            assertNotNull(definition, "@AttributeDefinition of " + method.getName());
            Class<?> type = method.getReturnType();
            switch (key.type()) {
                case BOOLEAN -> assertEquals(boolean.class, type, key.key());
                case NUMBER, MILLISECONDS, SECONDS ->
                    assertTrue(
                            type == long.class || type == int.class && key.max() <= Integer.MAX_VALUE,
                            key.key() + " is " + type);
                default -> assertEquals(String.class, type, key.key());
            }
            assertEquals(key.defaultValue(), unsetIfBlank(method.getDefaultValue()), key.key() + " default");
            assertEquals(
                    key.secret(),
                    Pattern.compile("type\\s*=\\s*AttributeType\\.PASSWORD")
                            .matcher(definition)
                            .find(),
                    key.key() + ": a secret is, and only a secret is, of type PASSWORD");
            assertEquals(key.ranged() ? Long.toString(key.min()) : null, argument(definition, "min"), key.key());
            assertEquals(key.ranged() ? Long.toString(key.max()) : null, argument(definition, "max"), key.key());
        }
    }

    /** The metatype's attribute id of a method: '_' is '.', '__' is '_', '$$' is '$', '$_$' is '-', '$' is dropped. */
    static String attributeId(String method) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (method.startsWith("__", i) || method.startsWith("$$", i)) {
                id.append(c);
                i++;
            } else if (method.startsWith("$_$", i)) {
                id.append('-');
                i += 2;
            } else if (c == '_') {
                id.append('.');
            } else if (c != '$') {
                id.append(c);
            }
        }
        return id.toString();
    }

    /** Method name to the arguments of its {@code @AttributeDefinition}, from the source. */
    private static Map<String, String> attributeDefinitions() throws IOException {
        String source = Files.readString(MODULE.resolve(METATYPE_SOURCE));
        Matcher m = Pattern.compile(
                        "@AttributeDefinition\\((.*?)\\)\\s*(?:int|long|boolean|String)\\s+(\\w+)\\(\\)",
                        Pattern.DOTALL)
                .matcher(source);
        Map<String, String> definitions = new HashMap<>();
        while (m.find()) {
            definitions.put(m.group(2), m.group(1));
        }
        return definitions;
    }

    private static String argument(String definition, String name) {
        Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*\"([^\"]*)\"").matcher(definition);
        return m.find() ? m.group(1) : null;
    }

    /** fromMap reads a blank value as unset, so a blank metatype default is none. */
    private static String unsetIfBlank(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    @Test
    void pluginPropertiesDocumentsEveryKeyAndNoOther() throws IOException {
        assertDocumentsTheTable(MODULE.resolve("../../docs/plugin.properties"));
    }

    @Test
    void theFeaturesConfigurationNamesEveryKeyAndNoOther() throws IOException {
        assertDocumentsTheTable(MODULE.resolve("src/main/cfg/io.kafkacassandra.cassandra.cfg"));
    }

    /** Every key on a line of its own, commented or not; a line in effect shows the default; no unknown key. */
    private static void assertDocumentsTheTable(Path file) throws IOException {
        Map<String, SettingKey> table = table();
        Set<String> documented = new TreeSet<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
            Matcher m = ASSIGNMENT.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            SettingKey key = table.get(m.group(2));
            assertNotNull(key, file + " names an unknown key: " + line);
            documented.add(key.key());
            if (m.group(1).isEmpty()) {
                assertEquals(key.defaultValue(), m.group(3).trim(), file + ": a line in effect shows the default");
            }
        }
        assertEquals(keys(), documented, file + ": the keys on lines of their own");
        Matcher mention = MENTION.matcher(String.join("\n", lines));
        while (mention.find()) {
            assertTrue(table.containsKey(mention.group()), file + " names an unknown key: " + mention.group());
        }
    }

    @Test
    void theBuilderRefusesWhatFromMapRefusesWithTheSameMessage() {
        Set<SettingKey> covered = EnumSet.copyOf(DURATIONS.keySet());
        covered.add(SettingKey.MAX_VALUE_BYTES);
        covered.add(SettingKey.PORT); // the builder takes ports in contact points: see the next test
        assertEquals(
                Arrays.stream(SettingKey.values()).filter(SettingKey::ranged).collect(Collectors.toSet()),
                covered,
                "every key with a range is tested");
        covered.remove(SettingKey.PORT);
        for (SettingKey key : covered) {
            for (long refused : new long[] {key.min() - 1, key.max() + 1}) {
                sameRefusal(b -> set(b, key, refused), Map.of(key.key(), Long.toString(refused)));
            }
            for (long allowed : new long[] {key.min(), key.max()}) {
                set(CassandraSettings.builder(), key, allowed);
                try {
                    CassandraSettings.fromMap(Map.of(key.key(), Long.toString(allowed)));
                } catch (SettingsException e) { // allowed alone, but not beside the other defaults
                    assertFalse(e.getMessage().startsWith(key.key() + ": must be from"), e.getMessage());
                }
            }
            if (DURATIONS.containsKey(key)) {
                // plugin.properties cannot write a fraction of the unit: the builder refuses one too.
                Duration fraction =
                        unit(key).multipliedBy(key.max() - 1).plus(unit(key).dividedBy(2));
                assertEquals(
                        key.key(),
                        assertThrows(
                                        SettingsException.class,
                                        () -> DURATIONS.get(key).accept(CassandraSettings.builder(), fraction))
                                .key());
                assertEquals(
                        key.key(),
                        assertThrows(
                                        SettingsException.class,
                                        () -> DURATIONS.get(key).accept(CassandraSettings.builder(), null))
                                .key());
            }
        }
    }

    private static void set(CassandraSettings.Builder b, SettingKey key, long units) {
        if (key == SettingKey.MAX_VALUE_BYTES) {
            b.maxValueBytes(Math.toIntExact(units));
        } else {
            DURATIONS.get(key).accept(b, unit(key).multipliedBy(units));
        }
    }

    @Test
    void theOtherSettersRefuseWhatFromMapRefusesWithTheSameMessage() {
        sameRefusal(
                b -> b.contactPoints(List.of(InetSocketAddress.createUnresolved("cass1", 0))),
                Map.of(CassandraSettings.CONTACT_POINTS, "cass1:0"));
        sameRefusal(
                b -> b.contactPoints(List.of(InetSocketAddress.createUnresolved("::1", 0))),
                Map.of(CassandraSettings.CONTACT_POINTS, "[::1]:0"));
        sameRefusal(
                b -> b.contactPoints(List.of(InetSocketAddress.createUnresolved("a b", 9042))),
                Map.of(CassandraSettings.CONTACT_POINTS, "a b:9042"));
        assertEquals(
                CassandraSettings.CONTACT_POINTS,
                assertThrows(
                                SettingsException.class,
                                () -> CassandraSettings.builder().contactPoints(List.of()))
                        .key());
        sameRefusal(b -> b.localDatacenter("dc'1"), Map.of(CassandraSettings.LOCAL_DATACENTER, "dc'1"));
        sameRefusal(b -> b.keyspace("ks; DROP KEYSPACE x"), Map.of(CassandraSettings.KEYSPACE, "ks; DROP KEYSPACE x"));
        sameRefusal(b -> b.credentials("kafka", null), Map.of(CassandraSettings.USERNAME, "kafka"));
        sameRefusal(b -> b.credentials(null, "pw"), Map.of(CassandraSettings.PASSWORD, "pw"));
        sameRefusal(
                b -> b.credentials(" ", "pw"),
                Map.of(CassandraSettings.USERNAME, " ", CassandraSettings.PASSWORD, "pw"));
        sameRefusal(
                b -> b.replication(new Replication("NetworkTopologyStrategy", Map.of("dc'1", 3))),
                Map.of(CassandraSettings.REPLICATION, "NetworkTopologyStrategy:dc'1=3"));
        // Values that work stay accepted.
        CassandraSettings s = CassandraSettings.builder()
                .contactPoints(List.of(
                        InetSocketAddress.createUnresolved("::1", 9043),
                        InetSocketAddress.createUnresolved("cass-1.example", 9042)))
                .localDatacenter("dc-1")
                .keyspace("ks_1")
                .credentials("kafka", "pw")
                .build();
        assertEquals("::1:9043,cass-1.example:9042", s.contactPointsText());
    }

    private static void sameRefusal(Consumer<CassandraSettings.Builder> setter, Map<String, String> configuration) {
        SettingsException read = assertThrows(SettingsException.class, () -> CassandraSettings.fromMap(configuration));
        SettingsException built = assertThrows(
                SettingsException.class,
                () -> setter.accept(CassandraSettings.builder()),
                "the builder accepts what fromMap refuses: " + read.getMessage());
        assertEquals(read.getMessage(), built.getMessage());
    }

    @Test
    void noSecretIsShownBySettingsOrTheirErrors(@TempDir Path dir) throws IOException {
        Map<String, String> inline =
                new HashMap<>(Map.of(CassandraSettings.USERNAME, "kafka", CassandraSettings.SSL_ENABLED, "true"));
        Map<String, String> inFiles = new HashMap<>(inline);
        for (SettingKey key : SettingKey.values()) {
            if (key.secret()) {
                inline.put(key.key(), "inline-secret-" + key.ordinal());
                Path file = Files.writeString(dir.resolve(key.name()), "file-secret-" + key.ordinal() + "\n");
                inFiles.put(key.key() + CassandraSettings.FILE_SUFFIX, file.toString());
            }
        }
        for (Map<String, String> configuration : List.of(inline, inFiles)) {
            CassandraSettings s = CassandraSettings.fromMap(configuration);
            CassandraSettings.Tls tls = s.tls().orElseThrow();
            for (String secret :
                    List.of(s.password().orElseThrow(), tls.truststorePassword(), tls.keystorePassword())) {
                assertTrue(secret.contains("-secret-"), "the secret was read: " + secret);
                assertFalse(s.toString().contains(secret), s.toString());
            }
        }
        SettingsException alone = assertThrows(
                SettingsException.class,
                () -> CassandraSettings.fromMap(Map.of(CassandraSettings.PASSWORD, "inline-secret-x")));
        assertFalse(alone.getMessage().contains("inline-secret"), alone.getMessage());
    }
}
