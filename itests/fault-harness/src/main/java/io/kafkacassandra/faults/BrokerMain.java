package io.kafkacassandra.faults;

import io.kafkacassandra.bridge.CassandraPluginLocator;
import io.kafkacassandra.faults.Event.Outcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.plugin.interfaces.CoordinationException;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.FencedOutException;
import org.apache.kafka.plugin.interfaces.FencedStorage;
import org.apache.kafka.plugin.interfaces.GroupMembershipClient;
import org.apache.kafka.plugin.interfaces.KeyExistsException;
import org.apache.kafka.plugin.interfaces.Leadership;
import org.apache.kafka.plugin.interfaces.LeadershipListener;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.NoSuchKeyException;
import org.apache.kafka.plugin.interfaces.OutcomeUnknownException;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.kafka.plugin.interfaces.Versioned;
import org.apache.kafka.plugin.interfaces.VersionedStorage;

/**
 * A stand-in for a Kafka broker in a JVM of its own, using the plain {@link CassandraPluginLocator} as a broker
 * would: candidate for the controller and listener of its leaderships, member of the brokers group, writer,
 * reader and watcher of keys, and while it leads the controller, writer of fenced keys as a controller would be.
 * It logs everything to its history file. Args: plugin.properties, process name (one per incarnation), broker
 * id, history file, random seed.
 *
 * <p>It prints READY once it has joined and is a candidate; on the line STOP_WRITES from standard input it stops
 * writing (fenced writes too) and prints WRITES_STOPPED; on FINAL it writes the last value it was told of each
 * watched key, stops recording and prints FINALS_WRITTEN; on EXIT it closes the locator (leaving the group) and
 * exits.
 */
public final class BrokerMain {
    private static final long SAMPLE_MILLIS = 10;

    private final String process;
    private final String broker;
    private final HistoryWriter history;
    private final Random random;
    private final Random leaderRandom;
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
    private volatile boolean writing = true;
    private volatile boolean sampling = true;
    /** Off once the final values are written: other brokers leaving at the end are not a view of the run. */
    private volatile boolean recordingViews = true;

    private long sequence;

    private BrokerMain(String process, String broker, HistoryWriter history, long seed) {
        this.process = process;
        this.broker = broker;
        this.history = history;
        this.random = new Random(seed);
        this.leaderRandom = new Random(~seed);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: BrokerMain <plugin.properties> <process> <broker> <history> <seed>");
            System.exit(2);
        }
        try (HistoryWriter history = new HistoryWriter(Path.of(args[3]))) {
            new BrokerMain(args[1], args[2], history, Long.parseLong(args[4])).run(args[0]);
        }
        System.exit(0);
    }

    private void run(String pluginProperties) throws Exception {
        CassandraPluginLocator locator = startLocator(pluginProperties);
        FencedStorage storage = (FencedStorage) locator.getStorage();
        FencedLeaderElectionClient election = (FencedLeaderElectionClient) locator.getLeaderElection(Workload.SERVICE);
        GroupMembershipClient group = locator.getGroupMembership(Workload.GROUP);
        ListenerRegistry listeners = locator.getListenerRegistry();

        for (String key : Workload.POOL) {
            listeners.addValueChangeListener(key, value -> {
                String v = value.orElse(Event.ABSENT);
                lastSeen.put(key, v);
                history.write(new Event.Watch(process, System.nanoTime(), key, v));
            });
        }
        listeners.addKeySetChangeListener(
                Workload.FRESH_NAMESPACE,
                keys -> history.write(new Event.KeySet(process, System.nanoTime(), Workload.FRESH_NAMESPACE, keys)));
        group.addListener(members -> {
            if (recordingViews) {
                history.write(new Event.View(process, System.nanoTime(), members));
            }
        });
        LeadershipListener told = leadership -> history.write(new Event.LeaderTold(
                process,
                System.nanoTime(),
                leadership.map(Leadership::leader).orElse(Event.ABSENT),
                leadership.map(Leadership::epoch).orElse(Event.LeaderTold.VACANT)));
        election.addListener(told);
        retry(() -> group.join(broker, process));
        retry(() -> election.nominate(broker));

        Thread sampler = new Thread(() -> sample(election), "sampler");
        Thread writer = new Thread(() -> write(storage), "writer");
        Thread leader = new Thread(() -> lead(election, storage), "leader");
        sampler.start();
        writer.start();
        leader.start();
        say("READY");

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("STOP_WRITES")) {
                writing = false;
                writer.join();
                leader.join();
                say("WRITES_STOPPED");
            } else if (line.equals("FINAL")) {
                break;
            }
        }
        writing = false;
        writer.join();
        leader.join();
        for (String key : Workload.POOL) {
            history.write(new Event.Final(process, key, lastSeen.getOrDefault(key, Event.ABSENT)));
        }
        recordingViews = false;
        sampling = false;
        sampler.join();
        say("FINALS_WRITTEN");
        // Leaves the group only once every broker has stopped recording (EXIT), or when the harness is gone.
        for (String line = in.readLine(); line != null && !line.equals("EXIT"); line = in.readLine()) {
            // nothing else is expected now
        }
        locator.close();
        say("DONE");
    }

    /** Cassandra may be in the middle of a fault when a broker starts: retry as a broker's startup would. */
    private CassandraPluginLocator startLocator(String pluginProperties) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            CassandraPluginLocator locator = new CassandraPluginLocator();
            try {
                locator.startup(pluginProperties);
                return locator;
            } catch (RuntimeException e) {
                locator.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Joining is refused while the lease of this broker's previous incarnation lives; nominating may fail too. */
    private static void retry(Runnable call) throws InterruptedException {
        while (true) {
            try {
                call.run();
                return;
            } catch (CoordinationException e) {
                Thread.sleep(200);
            }
        }
    }

    /**
     * Records the intervals in which {@code heldLeadership} said this broker leads: from the start of the first
     * call that said so to the end of the last one, so that the recorded interval covers the belief.
     */
    private void sample(FencedLeaderElectionClient election) {
        long epoch = -1;
        long lastYes = 0;
        while (sampling) {
            long before = System.nanoTime();
            Optional<Leadership> held = election.heldLeadership(broker);
            long after = System.nanoTime();
            long now = held.map(Leadership::epoch).orElse(-1L);
            if (now != epoch) {
                if (epoch >= 0) {
                    history.write(new Event.LeadEnd(process, epoch, lastYes));
                }
                if (now >= 0) {
                    history.write(new Event.LeadStart(process, now, before));
                }
                epoch = now;
            }
            lastYes = after;
            sleep(SAMPLE_MILLIS);
        }
        if (epoch >= 0) {
            history.write(new Event.LeadEnd(process, epoch, lastYes));
        }
    }

    private void write(VersionedStorage storage) {
        while (writing) {
            double dice = random.nextDouble();
            if (dice < 0.15) {
                put(storage, Workload.freshKey(System.nanoTime()));
            } else {
                String key = Workload.POOL.get(random.nextInt(Workload.POOL.size()));
                Event.Op read = read(storage, key);
                if (dice < 0.30) {
                    // read only
                } else if (read.outcome() == Outcome.OK && read.readValue().equals(Event.ABSENT)) {
                    put(storage, key);
                } else if (read.outcome() == Outcome.OK && dice < 0.75) {
                    compareAndSet(storage, key, read.version());
                } else if (read.outcome() == Outcome.OK) {
                    update(storage, key);
                }
            }
            sleep(20 + random.nextInt(40));
        }
    }

    private Event.Op read(VersionedStorage storage, String key) {
        long invoke = System.nanoTime();
        try {
            Optional<Versioned> v = storage.fetchVersioned(key);
            return record(
                    "READ",
                    key,
                    Event.ABSENT,
                    0,
                    invoke,
                    Outcome.OK,
                    v.map(Versioned::value).orElse(Event.ABSENT),
                    v.map(Versioned::version).orElse(0L),
                    null);
        } catch (RuntimeException e) {
            return failed("READ", key, Event.ABSENT, 0, invoke, e);
        }
    }

    private void put(VersionedStorage storage, String key) {
        write("PUT", key, 0, value -> {
            storage.put(key, value);
            return Optional.of(1L); // the workload never deletes, so a created key is at version 1
        });
    }

    private void compareAndSet(VersionedStorage storage, String key, long expected) {
        write("CAS", key, expected, value -> storage.compareAndSet(key, expected, value));
    }

    private void update(VersionedStorage storage, String key) {
        write("UPDATE", key, 0, value -> {
            storage.update(key, value);
            return Optional.of(0L); // the version it wrote is not returned; reads tell it
        });
    }

    /**
     * Logs the write before it is sent, runs it with a new unique value and logs how it ended. {@code call}
     * returns the version written, or empty when the write was certainly not applied (a compare-and-set whose
     * condition failed).
     */
    private void write(String kind, String key, long expected, Function<String, Optional<Long>> call) {
        String value = nextValue();
        long invoke = System.nanoTime();
        history.write(new Event.Invoke(process, kind, key, value, expected, invoke));
        try {
            Optional<Long> written = call.apply(value);
            record(
                    kind,
                    key,
                    value,
                    expected,
                    invoke,
                    written.isPresent() ? Outcome.OK : Outcome.FAIL,
                    Event.ABSENT,
                    written.orElse(0L),
                    written.isPresent() ? null : "NotApplied");
        } catch (RuntimeException e) {
            failed(kind, key, value, expected, invoke, e);
        }
    }

    private Event.Op failed(String kind, String key, String value, long expected, long invoke, RuntimeException e) {
        return record(
                kind,
                key,
                value,
                expected,
                invoke,
                outcomeOf(e),
                Event.ABSENT,
                0,
                e.getClass().getSimpleName());
    }

    /**
     * The documented exceptions say whether the write happened: OutcomeUnknown may have applied (it is not a
     * StoreUnavailable, whose contract is "nothing changed"); KeyExists, NoSuchKey, StoreUnavailable and FencedOut
     * certainly did not. Anything else is undocumented: recorded as unknown with its name, and the checker
     * reports it.
     */
    private static Outcome outcomeOf(RuntimeException e) {
        if (e instanceof OutcomeUnknownException) {
            return Outcome.UNKNOWN;
        } else if (e instanceof KeyExistsException
                || e instanceof NoSuchKeyException
                || e instanceof StoreUnavailableException
                || e instanceof FencedOutException) {
            return Outcome.FAIL;
        }
        return Outcome.UNKNOWN;
    }

    private Event.Op record(
            String kind,
            String key,
            String value,
            long expected,
            long invoke,
            Outcome outcome,
            String readValue,
            long version,
            String error) {
        Event.Op op = new Event.Op(
                process,
                kind,
                key,
                value,
                expected,
                invoke,
                System.nanoTime(),
                outcome,
                readValue,
                version,
                error == null ? Event.ABSENT : error);
        history.write(op);
        return op;
    }

    /**
     * While {@code heldLeadership} says this broker leads, writes the fenced keys with that leadership, fencing
     * their namespace first when it takes the post, as the docs tell a controller to. Each write follows its own
     * check of {@code heldLeadership} with nothing but the history line in between: no extra guard, since a
     * process paused between the check and the send is exactly the deposed leader the fence must stop.
     */
    private void lead(FencedLeaderElectionClient election, FencedStorage storage) {
        long fencedEpoch = -1;
        while (writing) {
            sleep(150 + leaderRandom.nextInt(150)); // a controller's pace: keeps the two cores for the ring
            Optional<Leadership> held = election.heldLeadership(broker);
            if (held.isEmpty()) {
                continue;
            }
            if (held.get().epoch() != fencedEpoch) {
                Leadership fresh = held.get();
                Event.Fenced fence = fenced("FENCE", Workload.FENCED_NAMESPACE, fresh, value -> {
                    storage.fence(Workload.FENCED_NAMESPACE, fresh);
                    return Optional.of(0L);
                });
                // Raised, or refused (a newer epoch is there: the writes that follow must be refused too);
                // a fence that failed or whose outcome is unknown is raised again.
                if (fence.outcome() == Outcome.OK || fence.refused()) {
                    fencedEpoch = fresh.epoch();
                }
                continue;
            }
            String key = Workload.FENCED_KEYS.get(leaderRandom.nextInt(Workload.FENCED_KEYS.size()));
            Optional<Versioned> current;
            try {
                current = storage.fetchVersioned(key);
            } catch (RuntimeException e) {
                continue;
            }
            history.write(new Event.FencedRead(
                    process,
                    key,
                    System.nanoTime(),
                    current.map(Versioned::value).orElse(Event.ABSENT),
                    current.map(Versioned::version).orElse(0L)));
            held = election.heldLeadership(broker);
            if (held.isEmpty() || held.get().epoch() != fencedEpoch) {
                continue;
            }
            Leadership leadership = held.get();
            if (current.isEmpty()) {
                fenced("PUT", key, leadership, value -> {
                    storage.put(key, value, leadership);
                    return Optional.of(1L); // fenced keys are never deleted, so a created key is at version 1
                });
            } else if (leaderRandom.nextBoolean()) {
                long expected = current.get().version();
                fenced("CAS", key, leadership, value -> storage.compareAndSet(key, expected, value, leadership));
            } else {
                fenced("UPDATE", key, leadership, value -> {
                    storage.update(key, value, leadership);
                    return Optional.of(0L); // the version it wrote is not returned; reads tell it
                });
            }
        }
    }

    /**
     * Logs the fenced write with its epoch before it is sent, runs it with a new unique value and logs how it
     * ended, with the newer epoch if it was refused; {@code call} returns as in the unfenced {@code write}.
     */
    private Event.Fenced fenced(String kind, String key, Leadership leadership, Function<String, Optional<Long>> call) {
        String value = nextValue();
        long invoke = System.nanoTime();
        history.write(new Event.FencedInvoke(process, kind, key, value, leadership.epoch(), invoke));
        Outcome outcome;
        long version = 0;
        long newerEpoch = 0;
        String error = Event.ABSENT;
        try {
            Optional<Long> written = call.apply(value);
            outcome = written.isPresent() ? Outcome.OK : Outcome.FAIL;
            version = written.orElse(0L);
            error = written.isPresent() ? Event.ABSENT : "NotApplied";
        } catch (RuntimeException e) {
            outcome = outcomeOf(e);
            error = e.getClass().getSimpleName();
            if (e instanceof FencedOutException refusal) {
                newerEpoch = refusal.newerEpoch();
            }
        }
        Event.Fenced done = new Event.Fenced(
                process,
                kind,
                key,
                value,
                leadership.epoch(),
                invoke,
                System.nanoTime(),
                outcome,
                version,
                newerEpoch,
                error);
        history.write(done);
        return done;
    }

    /** Unique across the writer and leader threads. */
    private synchronized String nextValue() {
        return process + ":" + (++sequence);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
