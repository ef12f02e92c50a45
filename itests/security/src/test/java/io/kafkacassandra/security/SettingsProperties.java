package io.kafkacassandra.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SettingsException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile configuration values (pure logic): any map of plugin.properties keys to any text either gives settings or
 * a {@link SettingsException} that names one of the keys; never another exception, and never the password.
 */
class SettingsProperties {
    private static final String SECRET = "pw-do-not-show-9931";
    private static final List<String> KEYS = List.of(
            CassandraSettings.CONTACT_POINTS,
            CassandraSettings.PORT,
            CassandraSettings.LOCAL_DATACENTER,
            CassandraSettings.KEYSPACE,
            CassandraSettings.USERNAME,
            CassandraSettings.SSL_ENABLED,
            CassandraSettings.SSL_TRUSTSTORE_PATH,
            CassandraSettings.SSL_KEYSTORE_PATH,
            CassandraSettings.SSL_HOSTNAME_VALIDATION,
            CassandraSettings.REQUEST_TIMEOUT_MS,
            CassandraSettings.CONNECT_TIMEOUT_MS,
            CassandraSettings.LEASE_TTL_SECONDS,
            CassandraSettings.RENEW_PERIOD_MS,
            CassandraSettings.POLL_PERIOD_MS,
            CassandraSettings.CLOCK_DRIFT_MS,
            CassandraSettings.SCHEMA_CREATE,
            CassandraSettings.REPLICATION,
            CassandraSettings.MAX_VALUE_BYTES,
            CassandraSettings.PASSWORD + CassandraSettings.FILE_SUFFIX,
            CassandraSettings.SSL_TRUSTSTORE_PASSWORD + CassandraSettings.FILE_SUFFIX,
            CassandraSettings.SSL_KEYSTORE_PASSWORD + CassandraSettings.FILE_SUFFIX);

    @Provide
    Arbitrary<Map<String, String>> configurations() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        " ",
                        "0",
                        "-1",
                        "1",
                        "2",
                        "500",
                        "3600",
                        "3601",
                        "65536",
                        "9999999999999999999",
                        "1e3",
                        "0x10",
                        "true",
                        "false",
                        "TRUE",
                        "yes",
                        "127.0.0.1",
                        "127.0.0.1:9042",
                        "[::1]:9042",
                        "a,b",
                        ",",
                        "host:0",
                        "host:65536",
                        "h o s t",
                        "SimpleStrategy:3",
                        "SimpleStrategy:0",
                        "NetworkTopologyStrategy: dc1=3, dc2=2",
                        "NetworkTopologyStrategy: dc1=x",
                        "NetworkTopologyStrategy:'dc'=1}; DROP KEYSPACE x",
                        "ks'; DROP KEYSPACE x; --",
                        "/nonexistent/path",
                        "\u0000",
                        "a\u0000b",
                        "x".repeat(300),
                        SECRET),
                HostileInput.segments(),
                Arbitraries.longs().map(String::valueOf));
        return Arbitraries.maps(Arbitraries.of(KEYS), values).ofMaxSize(6);
    }

    @Property(tries = 2000)
    void everyConfigurationWorksOrNamesTheKeyAtFault(@ForAll("configurations") Map<String, String> configuration) {
        Map<String, Object> map = new HashMap<>(configuration);
        map.put(CassandraSettings.USERNAME, "kafka");
        map.put(CassandraSettings.PASSWORD, SECRET);
        try {
            CassandraSettings settings = CassandraSettings.fromMap(map);
            assertFalse(
                    settings.toString().contains(SECRET) && !configuration.containsValue(SECRET), settings::toString);
        } catch (SettingsException e) {
            assertTrue(
                    KEYS.contains(e.key()) || e.key().equals(CassandraSettings.PASSWORD),
                    () -> "names no configuration key: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(e.key() + ": "), e::getMessage);
            assertFalse(
                    e.getMessage().contains(SECRET) && !configuration.containsValue(SECRET),
                    () -> "shows the password: " + e.getMessage());
        }
    }
}
