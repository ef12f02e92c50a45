package io.kafkacassandra.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pure logic: parsing and validation of plugin.properties. */
class CassandraSettingsTest {
    private static SettingsException refused(Map<String, String> map) {
        return assertThrows(SettingsException.class, () -> CassandraSettings.fromMap(map));
    }

    @Test
    void theSeedsKeysKeepTheirMeaningAndDefaultsMatchTheSeed() {
        Properties p = new Properties();
        p.setProperty("plugin.cassandra.contact.points", "cass1, cass2:9142,[::1]:9043");
        p.setProperty("plugin.cassandra.keyspace", "kafka_cluster_2");
        p.setProperty("plugin.cassandra.le.renew.ttl.period.ms", "400");
        p.setProperty("plugin.cassandra.lr.pull.period.ms", "250");
        CassandraSettings s = CassandraSettings.fromProperties(p);
        assertEquals(
                List.of(
                        InetSocketAddress.createUnresolved("cass1", 9042),
                        InetSocketAddress.createUnresolved("cass2", 9142),
                        InetSocketAddress.createUnresolved("::1", 9043)),
                s.contactPoints());
        assertEquals("kafka_cluster_2", s.keyspace());
        assertEquals(Duration.ofMillis(400), s.renewPeriod());
        assertEquals(Duration.ofMillis(250), s.pollPeriod());

        CassandraSettings defaults = CassandraSettings.fromMap(Map.of());
        assertEquals(Duration.ofSeconds(5), defaults.leaseTtl());
        assertEquals(Duration.ofMillis(3800), defaults.leaseValidity());
        assertEquals(Duration.ofMillis(500), defaults.renewPeriod());
        assertEquals("kafka_cluster_1", defaults.keyspace());
        assertEquals(
                Duration.ofMillis(800),
                CassandraSettings.fromMap(Map.of("plugin.cassandra.lease.ttl.seconds", "2"))
                        .leaseValidity(),
                "2 s TTL - 1 s rounding - 200 ms drift");
    }

    @Test
    void wrongValuesNameTheKeyAndTheValue() {
        SettingsException e = refused(Map.of("plugin.cassandra.lr.pull.period.ms", "soon"));
        assertEquals("plugin.cassandra.lr.pull.period.ms", e.key());
        assertTrue(e.getMessage().contains("'soon'"), e.getMessage());

        assertEquals(
                CassandraSettings.KEYSPACE,
                refused(Map.of("plugin.cassandra.keyspace", "ks; DROP KEYSPACE x"))
                        .key());
        assertEquals(
                CassandraSettings.KEYSPACE,
                refused(Map.of("plugin.cassandra.keyspace", "\"Quoted\"")).key());
        assertEquals(
                CassandraSettings.CONTACT_POINTS,
                refused(Map.of("plugin.cassandra.contact.points", "host:99999")).key());
        assertEquals(
                CassandraSettings.CONTACT_POINTS,
                refused(Map.of("plugin.cassandra.contact.points", " , ")).key());
        assertEquals(
                CassandraSettings.CONTACT_POINTS,
                refused(Map.of("plugin.cassandra.contact.points", "a b")).key());
        assertEquals(
                CassandraSettings.PORT,
                refused(Map.of("plugin.cassandra.port", "0")).key());
        assertEquals(
                CassandraSettings.LEASE_TTL_SECONDS,
                refused(Map.of("plugin.cassandra.lease.ttl.seconds", "1")).key());
        assertEquals(
                CassandraSettings.SSL_ENABLED,
                refused(Map.of("plugin.cassandra.ssl.enabled", "yes")).key());
        assertEquals(
                CassandraSettings.LOCAL_DATACENTER,
                refused(Map.of("plugin.cassandra.local.datacenter", "dc'1")).key());
        assertEquals(
                CassandraSettings.REPLICATION,
                refused(Map.of("plugin.cassandra.replication", "Simple:3")).key());
        assertEquals(
                CassandraSettings.REPLICATION,
                refused(Map.of("plugin.cassandra.replication", "NetworkTopologyStrategy:dc1=3,dc'2=1"))
                        .key());
        assertEquals(
                CassandraSettings.REPLICATION,
                refused(Map.of("plugin.cassandra.replication", "SimpleStrategy:0"))
                        .key());
        assertTrue(refused(Map.of("plugin.cassandra.replication", "NetworkTopologyStrategy:dc1=3,dc1=1"))
                .getMessage()
                .contains("'dc1' is named twice"));
    }

    @Test
    void withoutTheChangeFeedEveryOtherSettingStays() {
        CassandraSettings s = CassandraSettings.fromMap(Map.of(
                "plugin.cassandra.contact.points", "cass1:9142",
                "plugin.cassandra.keyspace", "ks2",
                "plugin.cassandra.username", "u",
                "plugin.cassandra.password", "p",
                "plugin.cassandra.lr.pull.period.ms", "300",
                "plugin.cassandra.le.renew.ttl.period.ms", "400",
                "plugin.cassandra.replication", "SimpleStrategy:3",
                "plugin.cassandra.schema.create", "false"));
        CassandraSettings off = s.withoutChangeFeed();
        assertFalse(off.changeFeedOn());
        assertEquals(Duration.ofMillis(300), off.namespacePollPeriod());
        assertEquals(
                s.toString().replace("changesPeriod=" + s.changesPeriod(), "changesPeriod=" + Duration.ZERO),
                off.toString());
        assertEquals(s.password(), off.password());
        assertEquals(s.replicationConfigured(), off.replicationConfigured());
        assertEquals(s.maxValueBytes(), off.maxValueBytes());
        assertEquals(s.connectTimeout(), off.connectTimeout());
    }

    @Test
    void namespacesArePolledAtTheSafetyPeriodWithTheFeedAndAtThePollPeriodWithout() {
        CassandraSettings feed = CassandraSettings.fromMap(Map.of());
        assertTrue(feed.changeFeedOn());
        assertEquals(Duration.ofMillis(25), feed.changesPeriod());
        assertEquals(Duration.ofSeconds(10), feed.namespacePollPeriod());
        CassandraSettings off = CassandraSettings.fromMap(
                Map.of("plugin.cassandra.changes.period.ms", "0", "plugin.cassandra.lr.pull.period.ms", "300"));
        assertFalse(off.changeFeedOn());
        assertEquals(Duration.ofMillis(300), off.namespacePollPeriod());
    }

    @Test
    void aRenewPeriodThatCannotKeepTheLeaseIsRefused() {
        SettingsException e = refused(
                Map.of("plugin.cassandra.le.renew.ttl.period.ms", "800", "plugin.cassandra.lease.ttl.seconds", "2"));
        assertEquals(CassandraSettings.RENEW_PERIOD_MS, e.key());
        assertTrue(e.getMessage().contains("800 ms"), e.getMessage());
        // A longer TTL makes room for it.
        CassandraSettings ok = CassandraSettings.fromMap(
                Map.of("plugin.cassandra.le.renew.ttl.period.ms", "800", "plugin.cassandra.lease.ttl.seconds", "3"));
        assertEquals(Duration.ofMillis(1800), ok.leaseValidity());
        assertEquals(
                CassandraSettings.RENEW_PERIOD_MS,
                refused(Map.of("plugin.cassandra.clock.drift.ms", "1000", "plugin.cassandra.lease.ttl.seconds", "2"))
                        .key());
        assertEquals(
                CassandraSettings.RENEW_PERIOD_MS,
                refused(Map.of("plugin.cassandra.clock.drift.ms", "3600")).key());
    }

    @Test
    void credentialsGoTogetherAndThePasswordIsNeverShown() {
        assertEquals(
                CassandraSettings.PASSWORD,
                refused(Map.of("plugin.cassandra.username", "kafka")).key());
        CassandraSettings s = CassandraSettings.fromMap(
                Map.of("plugin.cassandra.username", "kafka", "plugin.cassandra.password", "s3cret-Pa55"));
        assertEquals("s3cret-Pa55", s.password().orElseThrow());
        assertFalse(s.toString().contains("s3cret"), s.toString());
        assertTrue(s.toString().contains("****"));
    }

    @Test
    void replicationRendersOnlyValidatedParts() {
        assertEquals(
                "{'class': 'SimpleStrategy', 'replication_factor': 3}",
                Replication.parse("k", "SimpleStrategy:3").toCql());
        assertEquals(
                "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc-2': 2}",
                Replication.parse("k", "NetworkTopologyStrategy: dc1=3, dc-2=2").toCql());
    }

    @Test
    void aConstructedReplicationIsCheckedLikeAParsedOne() {
        assertEquals(
                Replication.parse("k", "NetworkTopologyStrategy:dc1=3,dc-2=2"),
                new Replication("NetworkTopologyStrategy", Map.of("dc1", 3, "dc-2", 2)));
        assertEquals(
                "{'class': 'SimpleStrategy', 'replication_factor': 2}",
                new Replication("SimpleStrategy", Map.of("replication_factor", 2)).toCql());

        // The same checks and messages as parse, under the key of the setting: {text, strategy, name, factor}.
        Object[][] sameRefusal = {
            {"NetworkTopologyStrategy:dc1'x=3", "NetworkTopologyStrategy", "dc1'x", 3},
            {"NetworkTopologyStrategy:class=3", "NetworkTopologyStrategy", "class", 3},
            {"NetworkTopologyStrategy:dc1=0", "NetworkTopologyStrategy", "dc1", 0},
            {"NetworkTopologyStrategy:dc1=100", "NetworkTopologyStrategy", "dc1", 100},
            {"SimpleStrategy:0", "SimpleStrategy", "replication_factor", 0},
            {"Simple'Strategy:3", "Simple'Strategy", "replication_factor", 3},
        };
        for (Object[] c : sameRefusal) {
            SettingsException parsed =
                    assertThrows(SettingsException.class, () -> Replication.parse("k", (String) c[0]));
            SettingsException built = assertThrows(
                    SettingsException.class,
                    () -> new Replication((String) c[1], Map.of((String) c[2], (Integer) c[3])));
            assertEquals(CassandraSettings.REPLICATION, built.key());
            assertEquals(
                    parsed.getMessage().substring("k: ".length()),
                    built.getMessage().substring(CassandraSettings.REPLICATION.length() + 2),
                    (String) c[0]);
        }

        for (Runnable invalid : List.<Runnable>of(
                () -> new Replication(null, Map.of("replication_factor", 1)),
                () -> new Replication("SimpleStrategy", null),
                () -> new Replication("SimpleStrategy", Map.of()),
                () -> new Replication("SimpleStrategy", Map.of("dc1", 1)),
                () -> new Replication("SimpleStrategy", Map.of("replication_factor", 1, "dc1", 1)),
                () -> new Replication("NetworkTopologyStrategy", Map.of("", 1)),
                () -> new Replication("NetworkTopologyStrategy", Map.of("dc 1", 1)),
                () -> new Replication("NetworkTopologyStrategy", Map.of("dc1", -1)),
                () -> new Replication("org.apache.cassandra.locator.LocalStrategy", Map.of("replication_factor", 1)),
                () -> Replication.simple(0))) {
            assertEquals(
                    CassandraSettings.REPLICATION,
                    assertThrows(SettingsException.class, invalid::run).key());
        }
    }

    @Test
    void aPasswordCanComeFromAFileThatTheConfigurationNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cassandra.password");
        Files.writeString(file, "s3cret-from-file\n");
        String key = CassandraSettings.PASSWORD + CassandraSettings.FILE_SUFFIX;
        CassandraSettings s =
                CassandraSettings.fromMap(Map.of(CassandraSettings.USERNAME, "kafka", key, file.toString()));
        assertEquals("s3cret-from-file", s.password().orElseThrow(), "the final line break is not part of it");
        assertFalse(s.toString().contains("s3cret"), s.toString());

        SettingsException both = assertThrows(
                SettingsException.class,
                () -> CassandraSettings.fromMap(Map.of(
                        CassandraSettings.USERNAME,
                        "kafka",
                        CassandraSettings.PASSWORD,
                        "inline",
                        key,
                        file.toString())));
        assertEquals(key, both.key());
        SettingsException missing = assertThrows(
                SettingsException.class,
                () -> CassandraSettings.fromMap(Map.of(
                        CassandraSettings.USERNAME,
                        "kafka",
                        key,
                        dir.resolve("absent").toString())));
        assertTrue(missing.getMessage().startsWith(key + ": cannot read "), missing.getMessage());
        Files.writeString(file, "");
        assertThrows(
                SettingsException.class,
                () -> CassandraSettings.fromMap(Map.of(CassandraSettings.USERNAME, "kafka", key, file.toString())));
    }
}
