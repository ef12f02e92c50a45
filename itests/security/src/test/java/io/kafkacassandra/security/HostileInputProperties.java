package io.kafkacassandra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.kafkacassandra.election.CassandraLeaderElection;
import io.kafkacassandra.listeners.CassandraListenerRegistry;
import io.kafkacassandra.membership.CassandraGroupMembership;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.storage.CassandraStorage;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.plugin.interfaces.KeySetChangeListener;
import org.apache.kafka.plugin.interfaces.Versioned;

/**
 * Hostile keys, namespaces, ids and values against the services on the secured node, as the least-privilege
 * role: every call either does exactly what is documented (what is stored reads back unchanged, in the row its
 * key names) or throws {@link IllegalArgumentException}, exactly when {@link DocumentedRules} says so; a refused
 * call writes nothing, and a sentinel key stays as it was.
 */
class HostileInputProperties {
    private static final int MAX_VALUE_BYTES = 4096;
    private static final String SENTINEL = "/sentinel/precious";

    private static CqlSession session;
    private static CassandraSettings settings;
    private static CassandraStorage storage;
    private static SecuredCassandra cassandra;
    private static Versioned sentinel;

    @BeforeContainer
    static void open() {
        cassandra = SecuredCassandra.get();
        Map<String, String> p = cassandra.roleProperties();
        p.put(CassandraSettings.MAX_VALUE_BYTES, String.valueOf(MAX_VALUE_BYTES));
        settings = CassandraSettings.fromMap(p);
        session = SessionFactory.open(settings);
        storage = new CassandraStorage(session, settings);
        if (storage.fetchVersioned(SENTINEL).isEmpty()) {
            storage.put(SENTINEL, "untouched");
        }
        sentinel = storage.fetchVersioned(SENTINEL).orElseThrow();
    }

    @AfterContainer
    static void close() {
        if (storage != null) {
            assertSentinelIntact();
            storage.close();
            session.close();
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return HostileInput.paths();
    }

    @Provide
    Arbitrary<String> ids() {
        return HostileInput.ids();
    }

    @Provide
    Arbitrary<String> values() {
        return HostileInput.values(MAX_VALUE_BYTES);
    }

    @Property(tries = 300)
    void aKeyIsStoredExactlyAsGivenOrRefused(@ForAll("paths") String key, @ForAll("values") String value) {
        boolean valid = DocumentedRules.validKey(key) && DocumentedRules.validValue(value, MAX_VALUE_BYTES);
        long rowsBefore = rows();
        IllegalArgumentException refused = write(key, value);
        if (valid) {
            assertNull(refused, () -> "refused a valid key " + Text.preview(key) + ": " + refused.getMessage());
            assertEquals(value, storage.fetchVersioned(key).orElseThrow().value());
            String namespace = DocumentedRules.namespaceOf(key);
            String name = DocumentedRules.nameOf(key);
            assertTrue(storage.children(namespace).contains(name));
            Row row = cassandra
                    .admin
                    .execute(SimpleStatement.newInstance(
                            "SELECT value FROM " + SecuredCassandra.KEYSPACE + ".kv WHERE namespace = ? AND name = ?",
                            namespace,
                            name))
                    .one();
            assertNotNull(row, "the value is in the row its key names");
            assertEquals(value, row.getString("value"));
        } else {
            assertNotNull(refused, () -> "accepted " + Text.preview(key) + " = " + Text.preview(value));
            assertFalse(refused.getMessage().isBlank());
            assertEquals(rowsBefore, rows(), "a refused write changed the table");
        }
        assertSentinelIntact();
    }

    @Property(tries = 60)
    void aNamespaceIsWatchedOrRefused(@ForAll("paths") String namespace) throws InterruptedException {
        boolean valid = DocumentedRules.validNamespace(namespace);
        BlockingQueue<Set<String>> seen = new LinkedBlockingQueue<>();
        KeySetChangeListener listener = seen::add;
        try (CassandraListenerRegistry registry = new CassandraListenerRegistry(session, settings)) {
            IllegalArgumentException refused = null;
            try {
                registry.addKeySetChangeListener(namespace, listener);
            } catch (IllegalArgumentException e) {
                refused = e;
            }
            if (valid) {
                assertNull(refused, "refused a valid namespace " + Text.preview(namespace));
                Set<String> initial = seen.poll(10, TimeUnit.SECONDS);
                assertEquals(storage.children(namespace), initial, "the first notification is the current key set");
                registry.removeKeySetChangeListener(namespace, listener);
            } else {
                assertNotNull(refused, "watched " + Text.preview(namespace));
            }
        }
    }

    @Property(tries = 60)
    void membersAndGroupsAreNamedExactlyOrRefused(
            @ForAll("ids") String group, @ForAll("ids") String member, @ForAll("values") String data) {
        boolean valid = DocumentedRules.validId(group)
                && DocumentedRules.validId(member)
                && DocumentedRules.validValue(data, MAX_VALUE_BYTES);
        try (CassandraGroupMembership membership = new CassandraGroupMembership(session, settings, group)) {
            membership.join(member, data);
            assertTrue(valid, () -> "accepted group " + Text.preview(group) + ", member " + Text.preview(member));
            assertEquals(Map.of(member, data), membership.membership());
            membership.leave(member);
            assertEquals(Set.of(), membership.membershipList());
        } catch (IllegalArgumentException e) {
            assertFalse(valid, () -> "refused a valid group/member: " + e.getMessage());
        }
    }

    @Property(tries = 40)
    void servicesAndCandidatesAreNamedExactlyOrRefused(@ForAll("ids") String service, @ForAll("ids") String candidate) {
        boolean valid = DocumentedRules.validId(service) && DocumentedRules.validId(candidate);
        try (CassandraLeaderElection election = new CassandraLeaderElection(session, settings, service)) {
            boolean elected = election.nominate(candidate);
            assertTrue(
                    valid,
                    () -> "accepted service " + Text.preview(service) + ", candidate " + Text.preview(candidate));
            assertTrue(elected, "a vacant post goes to the first candidate");
            assertEquals(Optional.of(candidate), election.getLeader());
            election.resign(candidate);
        } catch (IllegalArgumentException e) {
            assertFalse(valid, () -> "refused a valid service/candidate: " + e.getMessage());
        }
    }

    /** Creates or updates the key; returns the refusal, if any. */
    private static IllegalArgumentException write(String key, String value) {
        try {
            Optional<Versioned> current = storage.fetchVersioned(key);
            if (current.isPresent()) {
                storage.update(key, value);
            } else {
                storage.put(key, value);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e;
        }
    }

    private static long rows() {
        return cassandra
                .admin
                .execute("SELECT COUNT(*) FROM " + SecuredCassandra.KEYSPACE + ".kv")
                .one()
                .getLong(0);
    }

    private static void assertSentinelIntact() {
        assertEquals(sentinel, storage.fetchVersioned(SENTINEL).orElseThrow(), "nobody wrote the sentinel again");
    }
}
