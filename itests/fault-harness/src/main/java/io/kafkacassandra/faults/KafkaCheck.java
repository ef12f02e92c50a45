package io.kafkacassandra.faults;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Kafka workload: no acknowledged record lost (nor one a consumer read), none written twice or out of order, one
 * controller per epoch and epochs that never go back, a new controller within the bound after the controller was
 * killed or paused, and the cluster whole again within the bound after the last fault. Nothing to check in a run
 * without the workload.
 */
final class KafkaCheck {
    private final Histories h;
    private final Findings f;

    KafkaCheck(Histories h, Findings f) {
        this.h = h;
        this.f = f;
    }

    void run() {
        List<Event.KafkaAck> acks = h.all(Event.KafkaAck.class);
        List<Event.KafkaElected> elections = h.all(Event.KafkaElected.class);
        if (acks.isEmpty()
                && elections.isEmpty()
                && h.all(Event.KafkaController.class).isEmpty()) {
            return;
        }
        Map<String, String> log = new HashMap<>(); // "partition/offset" -> value, from the final read
        Map<String, Integer> copies = new HashMap<>();
        for (Event.KafkaFinal r : h.all(Event.KafkaFinal.class)) {
            log.put(r.partition() + "/" + r.offset(), r.value());
            copies.merge(r.value(), 1, Integer::sum);
        }
        h.all(Event.KafkaError.class).forEach(e -> f.violation("Kafka workload: %s: %s", e.stage(), e.message()));
        checkRecords(acks, log, copies);
        checkOrder();
        checkElections(elections);
        checkFailovers();
        checkRecovery();
    }

    private void checkRecords(List<Event.KafkaAck> acks, Map<String, String> log, Map<String, Integer> copies) {
        int lost = 0;
        for (Event.KafkaAck a : acks) {
            String there = log.get(a.partition() + "/" + a.offset());
            if (!a.value().equals(there)) {
                lost++;
                f.violation(
                        "Kafka record %s acknowledged at %d/%d is not there in the final read (%s)",
                        a.value(), a.partition(), a.offset(), there == null ? "no record" : "found " + there);
            }
        }
        List<Event.KafkaRead> reads = h.all(Event.KafkaRead.class);
        for (Event.KafkaRead r : reads) {
            String there = log.get(r.partition() + "/" + r.offset());
            if (!r.value().equals(there)) {
                f.violation(
                        "Kafka record %s consumed at %d/%d is not there in the final read (%s)",
                        r.value(), r.partition(), r.offset(), there == null ? "no record" : "found " + there);
            }
        }
        copies.forEach((value, n) -> {
            if (n > 1) { // each value is sent once: only a retry the idempotent producer let through doubles it
                f.violation("Kafka record %s is in the log %d times", value, n);
            }
        });
        f.figure("Kafka records acknowledged", acks.size());
        f.figure("Kafka acknowledged records lost", lost);
        f.figure(
                "Kafka sends failed (refused or timed out; some may be in the log)",
                h.all(Event.KafkaSendFailed.class).size());
        f.figure("Kafka records in the final read", log.size());
        f.figure("Kafka records read by the consumer group (re-reads after a rebalance included)", reads.size());
    }

    /** One producer sends {@code r<n>} with n rising, each partition's in order: a partition's log keeps that order. */
    private void checkOrder() {
        Map<Integer, Long> last = new HashMap<>();
        for (Event.KafkaFinal r : h.all(Event.KafkaFinal.class)) { // read in offset order per partition
            long seq = Long.parseLong(r.value().substring(1));
            Long before = last.put(r.partition(), seq);
            if (before != null && seq <= before) {
                f.violation(
                        "Kafka partition %d holds %s at offset %d after r%d",
                        r.partition(), r.value(), r.offset(), before);
            }
        }
    }

    /** Kafka's election is a conditional multi on {@code /controller_epoch}'s version: one winner per epoch. */
    private void checkElections(List<Event.KafkaElected> elections) {
        Map<Integer, TreeSet<Integer>> winners = new TreeMap<>();
        for (Event.KafkaElected e : elections) {
            if (!winners.computeIfAbsent(e.epoch(), k -> new TreeSet<>()).add(e.broker())) {
                f.violation("Kafka broker %d logged its election in epoch %d twice", e.broker(), e.epoch());
            }
        }
        winners.forEach((epoch, brokers) -> {
            if (brokers.size() > 1) {
                f.violation("two Kafka controllers in epoch %d: brokers %s", epoch, brokers);
            }
        });
        f.figure("Kafka controller elections", elections.size());
    }

    /**
     * From the fault's start until {@code /controller} names another broker. A fault whose target the poller had
     * already seen replaced before it began (the post moved between the nemesis's read and its kill) is not timed.
     */
    private void checkFailovers() {
        List<Event.KafkaController> seen = h.all(Event.KafkaController.class).stream()
                .sorted(Comparator.comparingLong(Event.KafkaController::at))
                .toList();
        int epoch = Integer.MIN_VALUE;
        for (Event.KafkaController c : seen) {
            if (c.epoch() < epoch) {
                f.violation("the controller epoch went back from %d to %d", epoch, c.epoch());
            }
            epoch = Math.max(epoch, c.epoch());
        }
        long bound = KafkaWorkload.FAILOVER_BOUND.toNanos();
        int missed = 0;
        long changesDuringInstanceKills = 0;
        for (Event.Fault fault : h.faults) {
            if (fault.kind().equals(Nemesis.Kind.KILL_ZK_INSTANCE.name())) {
                changesDuringInstanceKills += seen.stream()
                        .filter(c -> c.at() > fault.start() && c.at() < fault.end())
                        .count();
            }
            if (!fault.kind().equals(Nemesis.Kind.KILL_KAFKA_CONTROLLER.name())
                    && !fault.kind().equals(Nemesis.Kind.PAUSE_KAFKA_CONTROLLER.name())) {
                continue;
            }
            int old = Integer.parseInt(fault.target().substring("kafka-".length()));
            Event.KafkaController before = seen.stream()
                    .filter(c -> c.at() <= fault.start())
                    .reduce((a, b) -> b)
                    .orElse(null);
            if (before != null && before.broker() >= 0 && before.broker() != old) {
                missed++;
                continue;
            }
            Event.KafkaController next = seen.stream()
                    .filter(c -> c.at() > fault.start() && c.broker() >= 0 && c.broker() != old)
                    .findFirst()
                    .orElse(null);
            String series = "Kafka controller failover after " + fault.kind();
            f.bound(series, bound);
            if (next == null) {
                f.violation("no other Kafka controller after %s of %s", fault.kind(), fault.target());
                continue;
            }
            long took = next.at() - fault.start();
            f.duration(series, took);
            if (took > bound) {
                f.violation(
                        "after %s of %s the next Kafka controller (broker %d) took %.0f ms, more than %.0f ms",
                        fault.kind(), fault.target(), next.broker(), took / 1e6, bound / 1e6);
            }
        }
        f.figure("Kafka controller faults whose target no longer controlled (not timed)", missed);
        f.figure("Kafka controller changes seen while an instance was down", changesDuringInstanceKills);
    }

    private void checkRecovery() {
        long bound = KafkaWorkload.RECOVERY_BOUND.toNanos();
        List<Event.KafkaRecovered> recovered = h.all(Event.KafkaRecovered.class);
        if (recovered.isEmpty()) {
            f.violation("the Kafka cluster was not whole again after the last fault");
            return;
        }
        long took = Math.max(0, recovered.get(0).at() - h.quietAt());
        f.figure(
                "Kafka cluster whole again after QUIET (the ring serving again after the last fault) (s)",
                String.format("%.1f", took / 1e9));
        if (took > bound) {
            f.violation(
                    "the Kafka cluster was whole again %.1f s after the last fault, more than %d s",
                    took / 1e9, bound / 1_000_000_000);
        }
    }
}
