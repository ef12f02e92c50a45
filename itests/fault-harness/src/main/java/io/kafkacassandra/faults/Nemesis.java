package io.kafkacassandra.faults;

import io.kafkacassandra.launcher.CassandraCluster;
import io.kafkacassandra.launcher.CassandraNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.plugin.interfaces.CoordinationException;
import org.apache.kafka.plugin.interfaces.FencedLeaderElectionClient;
import org.apache.kafka.plugin.interfaces.Leadership;

/**
 * Injects one fault at a time, holds it, heals it and logs it with its times. Cassandra faults take one node of
 * three, so a quorum always remains; broker faults hit the current leader (to measure failover) or any broker.
 * A clock skew is the one fault that holds another inside it (see {@link Kind#SKEW_CLOCK}).
 */
final class Nemesis {
    enum Kind {
        /** SIGKILL a Cassandra node, restart it on its data. */
        KILL_NODE,
        /** SIGSTOP a Cassandra node, SIGCONT it. */
        PAUSE_NODE,
        /** Drop the clients' packets to and from one node's native port; the node stays in its ring. */
        CUT_NODE,
        /**
         * Set the wall clock of the node on the skewed clock off (random sign, half the bound to the bound), pause
         * the leader past its lease meanwhile, so that a takeover is decided while the clocks disagree, then set
         * it right. Leases rest on the skew staying within the plugin's clock drift.
         */
        SKEW_CLOCK,
        /** SIGSTOP the leader's process for longer than its lease (a GC pause), SIGCONT it. */
        PAUSE_LEADER,
        /** SIGKILL the leader's process, start a new incarnation of that broker. */
        KILL_LEADER,
        /** SIGKILL a broker that does not lead, start a new incarnation. */
        KILL_BROKER,
        /** Kafka workload: SIGKILL an instance of the ZooKeeper service, restart it a session timeout later. */
        KILL_ZK_INSTANCE,
        /** Kafka workload: SIGKILL the controller broker, restart it once its registration has expired. */
        KILL_KAFKA_CONTROLLER,
        /** Kafka workload: SIGSTOP the controller broker until another broker controls, SIGCONT it. */
        PAUSE_KAFKA_CONTROLLER;

        boolean kafka() {
            return this == KILL_ZK_INSTANCE || this == KILL_KAFKA_CONTROLLER || this == PAUSE_KAFKA_CONTROLLER;
        }
    }

    private final CassandraCluster cluster;
    private final int nativePort;
    private final Brokers brokers;
    private final FencedLeaderElectionClient observer;
    private final HistoryWriter harness;
    private final Random random;
    private final Duration leaseTtl;
    private final ClockSkew clock;
    private final KafkaFaults kafka;
    private final List<Kind> kinds = new ArrayList<>();

    /**
     * {@code clock} is null when no node runs under a fake clock; {@code cycle} is the order of the kinds a run
     * goes through, every kind when empty; kinds this machine does not allow are left out of it, and the Kafka
     * workload's kinds when {@code kafka} is null (no Kafka workload).
     */
    Nemesis(
            CassandraCluster cluster,
            int nativePort,
            Brokers brokers,
            FencedLeaderElectionClient observer,
            HistoryWriter harness,
            Random random,
            Duration leaseTtl,
            boolean cutAvailable,
            ClockSkew clock,
            KafkaFaults kafka,
            List<Kind> cycle) {
        this.cluster = cluster;
        this.nativePort = nativePort;
        this.brokers = brokers;
        this.observer = observer;
        this.harness = harness;
        this.random = random;
        this.leaseTtl = leaseTtl;
        this.clock = clock;
        this.kafka = kafka;
        for (Kind k : cycle.isEmpty() ? List.of(Kind.values()) : cycle) {
            if ((k != Kind.CUT_NODE || cutAvailable)
                    && (k != Kind.SKEW_CLOCK || clock != null)
                    && (!k.kafka() || kafka != null)) {
                kinds.add(k);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("none of the faults " + cycle + " can be injected on this machine");
        }
    }

    /** The kinds this machine allows, in the order a run cycles through them. */
    List<Kind> kinds() {
        return List.copyOf(kinds);
    }

    /**
     * Injects, holds and heals one fault; returns what it logged in the order they were healed (a fault held
     * inside a clock skew first), or nothing if the fault could not be aimed.
     */
    List<Event.Fault> inject(Kind kind) throws InterruptedException {
        List<Event.Fault> logged = new ArrayList<>();
        Event.Fault fault = switch (kind) {
            case KILL_NODE -> killNode(randomNode());
            case PAUSE_NODE -> pauseNode(randomNode());
            case CUT_NODE -> cutNode(randomNode());
            case SKEW_CLOCK -> skewClock(logged);
            case PAUSE_LEADER -> leader().map(l -> pauseBroker(l)).orElse(null);
            case KILL_LEADER -> leader().map(l -> killBroker(kind, l)).orElse(null);
            case KILL_BROKER -> killBroker(kind, randomFollower());
            case KILL_ZK_INSTANCE -> kafkaFault(kafka::killInstance);
            case KILL_KAFKA_CONTROLLER -> kafkaFault(kafka::killController);
            case PAUSE_KAFKA_CONTROLLER -> kafkaFault(kafka::pauseController);
        };
        if (fault != null) {
            harness.write(fault);
            logged.add(fault);
        }
        return logged;
    }

    interface KafkaFault {
        Event.Fault inject() throws Exception;
    }

    /** A Kafka fault that could not be aimed (no controller, the service not answering) is skipped, as is a leader's. */
    private static Event.Fault kafkaFault(KafkaFault fault) throws InterruptedException {
        try {
            return fault.inject();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            FaultRun.log("Kafka fault not aimed: " + e);
            return null;
        }
    }

    private CassandraNode randomNode() {
        return cluster.node(random.nextInt(cluster.size()));
    }

    private Event.Fault killNode(CassandraNode node) throws InterruptedException {
        long start = System.nanoTime();
        node.kill();
        Thread.sleep(8_000);
        node.start();
        node.awaitCql(Duration.ofSeconds(300));
        return new Event.Fault(Kind.KILL_NODE.name(), node.address(), start, System.nanoTime(), "-");
    }

    private Event.Fault pauseNode(CassandraNode node) throws InterruptedException {
        long start = System.nanoTime();
        node.pause();
        try {
            Thread.sleep(6_000);
        } finally {
            node.resume();
        }
        return new Event.Fault(Kind.PAUSE_NODE.name(), node.address(), start, System.nanoTime(), "-");
    }

    private Event.Fault cutNode(CassandraNode node) throws InterruptedException {
        long start = System.nanoTime();
        NetworkCut.cut(node.address(), nativePort);
        try {
            Thread.sleep(8_000);
        } finally {
            NetworkCut.heal();
        }
        return new Event.Fault(Kind.CUT_NODE.name(), node.address(), start, System.nanoTime(), "-");
    }

    /**
     * Holds the skew 10-20 s. The leader pause inside it is what makes the skew matter: while renewals land, a
     * lease never runs out; once they stop, the skewed node's clock can end it early (or late) for the candidates
     * that read it. The pause is logged on its own, so the failover checks hold it to the usual bound.
     */
    private Event.Fault skewClock(List<Event.Fault> logged) throws InterruptedException {
        Duration offset = clock.pick(random);
        long hold = 10_000 + random.nextInt(10_001);
        long start = System.nanoTime();
        String note = ClockSkew.note(offset);
        clock.set(offset);
        try {
            Thread.sleep(3_000); // the node reads the file within 100 ms; renewals meanwhile see the skew
            Optional<Event.Fault> pause = leader().map(this::pauseBroker);
            if (pause.isPresent()) {
                harness.write(pause.get());
                logged.add(pause.get());
                note += ", leader " + pause.get().target() + " paused inside";
            }
            long left = hold - (System.nanoTime() - start) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
        } finally {
            clock.set(Duration.ZERO);
        }
        Thread.sleep(1_200); // until the node has read the healed offset: the logged end covers the skew
        return new Event.Fault(Kind.SKEW_CLOCK.name(), clock.node().address(), start, System.nanoTime(), note);
    }

    private Event.Fault pauseBroker(Leadership leadership) {
        BrokerProcess p = brokers.live(leadership.leader());
        long start = System.nanoTime();
        p.pause();
        try {
            sleep(leaseTtl.toMillis() + 2_000);
        } finally {
            p.resume();
        }
        return new Event.Fault(
                Kind.PAUSE_LEADER.name(), p.name, start, System.nanoTime(), "epoch " + leadership.epoch());
    }

    private Event.Fault killBroker(Kind kind, Leadership leadership) {
        return killBroker(kind, leadership.leader(), "epoch " + leadership.epoch());
    }

    private Event.Fault killBroker(Kind kind, String broker) {
        return killBroker(kind, broker, "-");
    }

    private Event.Fault killBroker(Kind kind, String broker, String note) {
        BrokerProcess p = brokers.live(broker);
        long start = System.nanoTime();
        try {
            brokers.kill(p);
            Thread.sleep(1_000);
            brokers.start(broker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Event.Fault(kind.name(), p.name, start, System.nanoTime(), note);
    }

    /** The leader as a SERIAL read sees it; waits a while if there is none (a previous fault may be settling). */
    private Optional<Leadership> leader() {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                Optional<Leadership> now = observer.currentLeadership();
                if (now.isPresent() && brokers.live(now.get().leader()) != null) {
                    return now;
                }
            } catch (CoordinationException e) {
                // a node may still be settling; ask again
            }
            sleep(200);
        }
        return Optional.empty();
    }

    private String randomFollower() {
        Optional<String> leader = leader().map(Leadership::leader);
        List<String> others = brokers.live().stream()
                .map(p -> p.broker)
                .filter(b -> leader.map(l -> !l.equals(b)).orElse(true))
                .toList();
        return others.get(random.nextInt(others.size()));
    }

    /** Thread.sleep for the harness's threads, which end on an interrupt. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
