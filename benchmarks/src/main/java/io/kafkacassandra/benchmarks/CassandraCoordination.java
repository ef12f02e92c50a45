package io.kafkacassandra.benchmarks;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.kafkacassandra.bridge.CassandraPluginLocator;
import io.kafkacassandra.session.CassandraSettings;
import io.kafkacassandra.session.SessionFactory;
import io.kafkacassandra.storage.CassandraStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.VersionedStorage;

/** kafka-cassandra through its plain {@link CassandraPluginLocator}, as a patched broker uses it. */
final class CassandraCoordination implements Coordination {
    private final CassandraPluginLocator locator = new CassandraPluginLocator();
    private final String pluginProperties;
    private BareConditionalUpdates bare; // opened by the storage workload only
    private CassandraStorage unannounced; // likewise
    private CqlSession unannouncedSession;

    CassandraCoordination(String pluginProperties) {
        this.pluginProperties = pluginProperties;
        locator.startup(pluginProperties);
    }

    @Override
    public synchronized BareConditionalUpdates bareConditionalUpdates() {
        if (bare == null) {
            Properties properties = properties();
            bare = new BareLwt(SessionFactory.open(CassandraSettings.fromProperties(properties)), properties);
        }
        return bare;
    }

    /**
     * The storage on keyspace {@code <keyspace>_nohint}: the shipped schema, then the feed's table dropped, so that
     * the storage's feed finds no table and announces nothing (what a schema from before the feed gets).
     */
    @Override
    public synchronized Storage storageWithoutHints() {
        if (unannounced == null) {
            Properties properties = properties();
            properties.setProperty(
                    CassandraSettings.KEYSPACE,
                    CassandraSettings.fromProperties(properties).keyspace() + "_nohint");
            CassandraSettings settings = CassandraSettings.fromProperties(properties);
            CqlSession session = SessionFactory.open(settings); // creates the keyspace and its tables
            try {
                session.execute("DROP TABLE IF EXISTS " + settings.keyspace() + ".changes");
                unannounced = new CassandraStorage(session, settings);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            unannouncedSession = session;
        }
        return unannounced;
    }

    private Properties properties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(pluginProperties))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /**
     * One lightweight transaction on one row of a table of its own, through a session configured as the
     * service's: the floor under every conditional write of the storage. The row is a partition of its own, or a
     * row of one partition shared by every caller (Paxos serialises the rounds of one partition).
     */
    private static final class BareLwt implements BareConditionalUpdates {
        private static final String SHARED_PARTITION = "shared";
        private final CqlSession session;
        private final PreparedStatement reset;
        private final PreparedStatement update;
        private final PreparedStatement resetShared;
        private final PreparedStatement updateShared;
        private final PreparedStatement select;
        private final PreparedStatement selectShared;

        BareLwt(CqlSession session, Properties properties) {
            this.session = session;
            // The keyspace is a validated identifier (CassandraSettings refuses any other).
            String keyspace = CassandraSettings.fromProperties(properties).keyspace();
            String table = keyspace + ".bench_lwt";
            String shared = keyspace + ".bench_lwt_shared";
            session.execute("CREATE TABLE IF NOT EXISTS " + table + " (k text PRIMARY KEY, v bigint)");
            session.execute("CREATE TABLE IF NOT EXISTS " + shared + " (p text, k text, v bigint, PRIMARY KEY (p, k))");
            reset = session.prepare("INSERT INTO " + table + " (k, v) VALUES (?, 0)");
            update = session.prepare("UPDATE " + table + " SET v = ? WHERE k = ? IF v = ?");
            resetShared = session.prepare("INSERT INTO " + shared + " (p, k, v) VALUES (?, ?, 0)");
            updateShared = session.prepare("UPDATE " + shared + " SET v = ? WHERE p = ? AND k = ? IF v = ?");
            select = session.prepare("SELECT v FROM " + table + " WHERE k = ?");
            selectShared = session.prepare("SELECT v FROM " + shared + " WHERE p = ? AND k = ?");
        }

        @Override
        public void reset(String key, boolean onePartition) {
            session.execute(onePartition ? resetShared.bind(SHARED_PARTITION, key) : reset.bind(key));
        }

        @Override
        public void update(String key, long expected, boolean onePartition) {
            boolean applied = session.execute(
                            onePartition
                                    ? updateShared.bind(expected + 1, SHARED_PARTITION, key, expected)
                                    : update.bind(expected + 1, key, expected))
                    .wasApplied();
            if (!applied) {
                throw new IllegalStateException(key + " was not at " + expected);
            }
        }

        @Override
        public long current(String key, boolean onePartition) {
            return session.execute((onePartition ? selectShared.bind(SHARED_PARTITION, key) : select.bind(key))
                            .setConsistencyLevel(ConsistencyLevel.SERIAL))
                    .one()
                    .getLong(0);
        }

        @Override
        public void close() {
            session.close();
        }
    }

    @Override
    public void put(String key, String value) {
        locator.getStorage().put(key, value);
    }

    @Override
    public void update(String key, String value) {
        locator.getStorage().update(key, value);
    }

    @Override
    public OptionalLong compareAndSet(String key, long expected, String value) {
        Optional<Long> written = ((VersionedStorage) locator.getStorage()).compareAndSet(key, expected, value);
        return written.map(OptionalLong::of).orElseGet(OptionalLong::empty);
    }

    @Override
    public long version(String key) {
        return ((VersionedStorage) locator.getStorage())
                .fetchVersioned(key)
                .orElseThrow(() -> new IllegalStateException(key + " does not exist"))
                .version();
    }

    @Override
    public Optional<String> fetch(String key) throws Exception {
        return locator.getStorage().fetch(key).get();
    }

    @Override
    public void watch(String key, Consumer<Optional<String>> listener) {
        locator.getListenerRegistry().addValueChangeListener(key, listener::accept);
    }

    @Override
    public void nominate(String service, String id) {
        locator.getLeaderElection(service).nominate(id);
    }

    @Override
    public void resign(String service, String id) {
        locator.getLeaderElection(service).resign(id);
    }

    @Override
    public void observeLeader(String service, Consumer<Optional<String>> listener) {
        locator.getLeaderElection(service).addListener(listener::accept);
    }

    @Override
    public void join(String group, String id) {
        locator.getGroupMembership(group).join(id, id);
    }

    @Override
    public void leave(String group, String id) {
        locator.getGroupMembership(group).leave(id);
    }

    @Override
    public void observeGroup(String group, Consumer<Set<String>> listener) {
        locator.getGroupMembership(group).addListener(listener::accept);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (bare != null) {
                bare.close();
            }
            if (unannounced != null) {
                try {
                    unannounced.close();
                } finally {
                    unannouncedSession.close();
                }
            }
        }
        locator.close();
    }
}
