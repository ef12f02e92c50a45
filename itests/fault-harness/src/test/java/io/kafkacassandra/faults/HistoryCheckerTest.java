package io.kafkacassandra.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkacassandra.faults.Event.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker flags each kind of violation in hand-made histories, and passes a correct one. */
class HistoryCheckerTest {
    private static final long MS = 1_000_000;
    private static final CheckSettings SETTINGS =
            new CheckSettings(Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMillis(1500));

    /** A correct history: two brokers, a put, a compare-and-set, reads, a failover, watchers, membership. */
    private static List<Event> correct() {
        List<Event> h = new ArrayList<>();
        h.add(new Event.Spawn("b1.1", "b1", 0));
        h.add(new Event.Spawn("b2.1", "b2", 0));
        h.add(put("b1.1", "/k", "b1.1:1", 10, 20, Outcome.OK));
        h.add(put("b2.1", "/k", "b2.1:1", 12, 22, Outcome.FAIL));
        h.add(read("b2.1", "/k", 30, 40, "b1.1:1", 1));
        h.add(cas("b2.1", "/k", "b2.1:2", 1, 50, 60, Outcome.OK, 2));
        h.add(read("b1.1", "/k", 70, 80, "b2.1:2", 2));
        h.add(new Event.LeadStart("b1.1", 1, 100 * MS));
        h.add(new Event.LeadEnd("b1.1", 1, 900 * MS));
        h.add(new Event.Fault("KILL_LEADER", "b1.1", 1000 * MS, 1100 * MS, "epoch 1"));
        h.add(new Event.Exit("b1.1", 1001 * MS));
        h.add(new Event.LeadStart("b2.1", 2, 3000 * MS));
        h.add(new Event.Spawn("b1.2", "b1", 1050 * MS));
        h.add(new Event.Quiet(3100 * MS));
        h.add(new Event.View("b2.1", 3200 * MS, Set.of("b1", "b2")));
        h.add(new Event.View("b1.2", 3300 * MS, Set.of("b1", "b2")));
        h.add(new Event.Watch("b2.1", 15, "/k", "-"));
        h.add(new Event.Watch("b2.1", 25, "/k", "b1.1:1"));
        h.add(new Event.Watch("b2.1", 65, "/k", "b2.1:2"));
        h.add(new Event.KeySet("b2.1", 25, "/", Set.of("k")));
        h.add(new Event.FinalRead("/k", "b2.1:2", 2));
        h.add(new Event.Final("b2.1", "/k", "b2.1:2"));
        h.add(new Event.LeadEnd("b2.1", 2, 4000 * MS));
        return h;
    }

    @Test
    void aCorrectHistoryHasNoViolation() {
        Findings f = check(correct());
        assertEquals(List.of(), f.violations);
        assertEquals("2", f.figures.get("believed leaderships"));
        assertEquals("1", f.figures.get("PUT OK"));
        assertEquals("1", f.figures.get("PUT FAIL"));
        assertEquals("1", f.figures.get("CAS OK"));
        assertEquals(List.of(2000 * MS), f.durations.get("failover after KILL_LEADER"));
    }

    @Test
    void overlappingLeadershipsAreFlagged() {
        List<Event> h = correct();
        h.add(new Event.LeadStart("b1.2", 3, 3500 * MS)); // b2.1 leads until 4000 ms
        h.add(new Event.LeadEnd("b1.2", 3, 3600 * MS));
        assertFlagged(h, "two leaders at once");
    }

    @Test
    void aLeaderThatDiedBelievesUntilItsExit() {
        List<Event> h = correct();
        h.add(new Event.Spawn("b3.1", "b3", 0));
        h.add(new Event.LeadStart("b3.1", 0, 950 * MS)); // never ended: it ran until its exit at 3050 ms
        h.add(new Event.Exit("b3.1", 3050 * MS));
        assertFlagged(h, "two leaders at once");
    }

    @Test
    void epochsThatDoNotIncreaseAreFlagged() {
        List<Event> h = correct();
        h.add(new Event.LeadStart("b1.2", 2, 5000 * MS));
        h.add(new Event.LeadEnd("b1.2", 2, 5100 * MS));
        assertFlagged(h, "epoch went from 2");
    }

    @Test
    void aSlowFailoverIsFlagged() {
        List<Event> h = correct();
        h.replaceAll(e -> e instanceof Event.LeadStart s && s.process().equals("b2.1")
                ? new Event.LeadStart("b2.1", 2, 5000 * MS)
                : e);
        h.replaceAll(e -> e instanceof Event.LeadEnd s && s.process().equals("b2.1")
                ? new Event.LeadEnd("b2.1", 2, 6000 * MS)
                : e);
        assertFlagged(h, "took 4000 ms");
    }

    @Test
    void aLostAcknowledgedWriteIsFlagged() {
        List<Event> h = correct();
        // Acknowledged at version 3, but the key ends at version 2.
        h.add(cas("b1.2", "/k", "b1.2:1", 2, 90, 95, Outcome.OK, 3));
        assertFlagged(h, "1 lost");
    }

    @Test
    void aStaleReadIsFlagged() {
        List<Event> h = correct();
        h.add(read("b1.2", "/k", 100, 110, "b1.1:1", 1)); // version 2 was seen at 80
        assertFlagged(h, "saw version 1");
    }

    @Test
    void aKeyCreatedTwiceIsFlagged() {
        List<Event> h = correct();
        h.replaceAll(e -> e instanceof Event.Op o && o.value().equals("b2.1:1")
                ? put("b2.1", "/k", "b2.1:1", 12, 22, Outcome.OK)
                : e);
        h.add(read("b2.1", "/k", 23, 24, "b2.1:1", 1));
        assertFlagged(h, "2 values at version 1");
    }

    @Test
    void aWriteReportedAsFailedThatTookEffectIsFlagged() {
        List<Event> h = correct();
        h.add(read("b2.1", "/k", 23, 24, "b2.1:1", 1));
        assertFlagged(h, "reported failure");
    }

    @Test
    void aWriteCutShortByItsProcessDeathMayHaveApplied() {
        List<Event> h = correct();
        h.removeIf(e -> e instanceof Event.FinalRead || e instanceof Event.Final);
        h.add(new Event.Invoke("b1.1", "CAS", "/k", "b1.1:2", 2, 85)); // b1.1 died at 1001 ms without an answer
        h.add(read("b2.1", "/k", 2000 * MS, 2001 * MS, "b1.1:2", 3));
        h.add(new Event.FinalRead("/k", "b1.1:2", 3));
        h.add(new Event.Final("b2.1", "/k", "b1.1:2"));
        assertEquals(List.of(), check(h).violations);
    }

    @Test
    void aValueNobodyWroteIsFlagged() {
        List<Event> h = correct();
        h.add(read("b2.1", "/k", 2000 * MS, 2001 * MS, "b1.1:2", 3));
        assertFlagged(h, "was never written");
    }

    @Test
    void anUndocumentedExceptionIsFlagged() {
        List<Event> h = correct();
        h.add(new Event.Op(
                "b1.2", "UPDATE", "/k", "b1.2:9", 0, 90, 95, Outcome.UNKNOWN, "-", 0, "IllegalStateException"));
        assertFlagged(h, "undocumented IllegalStateException");
    }

    @Test
    void aWatcherGoingBackwardsIsFlagged() {
        List<Event> h = correct();
        h.add(new Event.Watch("b2.1", 75, "/k", "b1.1:1"));
        assertFlagged(h, "was told version 1 of /k after version 2");
    }

    @Test
    void aKeySetLosingAKeyIsFlagged() {
        List<Event> h = correct();
        h.add(new Event.KeySet("b2.1", 90, "/", Set.of()));
        assertFlagged(h, "without [k]");
    }

    @Test
    void aWatcherNotEndingOnTheFinalValueIsFlagged() {
        List<Event> h = correct();
        h.add(new Event.Final("b1.2", "/k", "b1.1:1"));
        assertFlagged(h, "listener ends on b1.1:1");
    }

    @Test
    void membershipThatDoesNotConvergeIsFlagged() {
        List<Event> h = correct();
        h.add(new Event.View("b1.2", 3400 * MS, Set.of("b2")));
        assertFlagged(h, "b1.2 ends with group view [b2]");
        List<Event> late = correct();
        late.replaceAll(e -> e instanceof Event.View v && v.process().equals("b1.2")
                ? new Event.View("b1.2", 9000 * MS, v.members())
                : e);
        assertFlagged(late, "more than TTL + poll + slack");
    }

    /**
     * {@link #correct()} with fenced writes in a clean interleaving: b1.1 (epoch 1) fences /fenced and writes k0;
     * its last update, invoked before b2.1 (epoch 2) fenced, lands before b2.1's compare-and-set (version 2 below
     * 3); b2.1's fence then refuses b1.1's next update; a fenced write cut short by b1.1's death stays unknown.
     */
    private static List<Event> fencing() {
        List<Event> h = correct();
        h.add(fenced("b1.1", "FENCE", "/fenced", "b1.1:f0", 1, 200, 210, Outcome.OK, 0, 0));
        h.add(fenced("b1.1", "PUT", "/fenced/k0", "b1.1:f1", 1, 220, 230, Outcome.OK, 1, 0));
        h.add(fenced("b1.1", "UPDATE", "/fenced/k0", "b1.1:f2", 1, 240, 400, Outcome.OK, 0, 0));
        h.add(fenced("b2.1", "FENCE", "/fenced", "b2.1:f0", 2, 250, 260, Outcome.OK, 0, 0));
        h.add(new Event.FencedRead("b2.1", "/fenced/k0", 265, "b1.1:f2", 2));
        h.add(fenced("b2.1", "CAS", "/fenced/k0", "b2.1:f1", 2, 270, 280, Outcome.OK, 3, 0));
        h.add(fenced("b1.1", "UPDATE", "/fenced/k0", "b1.1:f3", 1, 290, 300, Outcome.FAIL, 0, 2));
        h.add(new Event.FencedInvoke("b1.1", "UPDATE", "/fenced/k1", "b1.1:f4", 1, 990 * MS)); // died at 1001 ms
        h.add(new Event.FencedRead("harness", "/fenced/k0", 5000 * MS, "b2.1:f1", 3));
        return h;
    }

    @Test
    void aCleanFencedInterleavingHasNoViolation() {
        Findings f = check(fencing());
        assertEquals(List.of(), f.violations);
        assertEquals("1:2, 2:1", f.figures.get("fenced writes acknowledged per epoch (epoch:count)"));
        assertEquals("1", f.figures.get("fenced writes refused (fenced out)"));
        assertEquals("1", f.figures.get("fenced writes of unknown outcome"));
        assertEquals("2", f.figures.get("fences raised"));
        assertEquals("3", f.figures.get("acknowledged fenced writes of known version"));
    }

    @Test
    void anOlderEpochWriteInvokedAfterANewerOneCompletedIsFlagged() {
        List<Event> h = fencing();
        // b2.1 (epoch 2) had fenced /fenced by 260; this epoch 1 update began after that, yet was acknowledged.
        h.add(fenced("b1.1", "UPDATE", "/fenced/k0", "b1.1:f5", 1, 310, 320, Outcome.OK, 0, 0));
        assertFlagged(h, "invoked after fenced FENCE of /fenced by b2.1 (epoch 2) had completed");
    }

    @Test
    void anOlderEpochWriteAboveANewerOnesVersionIsFlagged() {
        List<Event> h = fencing();
        // Concurrent with b2.1's fence and compare-and-set by real time, but a read puts it at version 4, above 3.
        h.add(fenced("b1.1", "UPDATE", "/fenced/k0", "b1.1:f5", 1, 245, 330, Outcome.OK, 0, 0));
        h.add(new Event.FencedRead("b2.1", "/fenced/k0", 340, "b1.1:f5", 4));
        Findings f = check(h);
        assertTrue(
                f.violations.stream().anyMatch(v -> v.contains("wrote version 4, above version 3")),
                "expected a version violation, got " + f.violations);
        assertTrue(
                f.violations.stream().noneMatch(v -> v.contains("invoked after")),
                "real time does not order them: " + f.violations);
    }

    @Test
    void aRefusalNobodyCausedIsFlagged() {
        List<Event> h = fencing();
        // Nobody of an epoch above 2 ever wrote to /fenced.
        h.add(fenced("b2.1", "UPDATE", "/fenced/k0", "b2.1:f2", 2, 350, 360, Outcome.FAIL, 0, 3));
        assertFlagged(h, "a refusal nobody caused");
    }

    @Test
    void aRefusalBeforeTheNewerEpochTriedIsFlagged() {
        List<Event> h = fencing();
        // Epoch 2 first tried /fenced at 250: this refusal ended before.
        h.add(fenced("b1.1", "UPDATE", "/fenced/k0", "b1.1:f5", 1, 232, 235, Outcome.FAIL, 0, 2));
        assertFlagged(h, "a refusal nobody caused");
    }

    @Test
    void aRefusedWriteThatTookEffectIsFlagged() {
        List<Event> h = fencing();
        h.add(new Event.FencedRead("b2.1", "/fenced/k0", 305, "b1.1:f3", 4));
        assertFlagged(h, "reported FencedOutException but took effect");
    }

    /**
     * {@link #correct()} with what the leadership listeners were told, in epoch order: b2.1 hears epoch 1 (b1),
     * its end, then epoch 2 (b2); b1.2, started after b1.1 died, hears epoch 2 first.
     */
    private static List<Event> told() {
        List<Event> h = correct();
        h.add(told("b2.1", 150 * MS, "b1", 1));
        h.add(vacant("b2.1", 1100 * MS));
        h.add(told("b2.1", 3050 * MS, "b2", 2));
        h.add(told("b1.2", 3100 * MS, "b2", 2));
        return h;
    }

    @Test
    void leadershipEventsInEpochOrderHaveNoViolation() {
        Findings f = check(told());
        assertEquals(List.of(), f.violations);
        assertEquals("4", f.figures.get("leadership events told to listeners"));
        assertEquals("1", f.figures.get("of which vacancies"));
        // A vacancy is told without its epoch: a second one in a row may end a leadership never heard of.
        List<Event> h = told();
        h.add(vacant("b2.1", 4100 * MS));
        h.add(vacant("b2.1", 4500 * MS));
        h.add(told("b2.1", 5000 * MS, "b1", 4));
        assertEquals(List.of(), check(h).violations);
    }

    @Test
    void aListenerToldAnOlderEpochIsFlagged() {
        List<Event> h = told();
        h.add(told("b2.1", 3500 * MS, "b1", 1));
        assertFlagged(h, "b2.1 was told epoch 1 (b1) after epoch 2 (b2), out of epoch order");
    }

    @Test
    void aListenerToldALeadershipAfterItsEndIsFlagged() {
        List<Event> h = told();
        h.add(vacant("b1.2", 3200 * MS));
        h.add(told("b1.2", 3300 * MS, "b2", 2));
        assertFlagged(h, "b1.2 was told epoch 2 (b2) after the end of epoch 2, out of epoch order");
    }

    @Test
    void aListenerToldTheSameLeadershipTwiceIsFlagged() {
        List<Event> h = told();
        h.add(told("b1.2", 3200 * MS, "b2", 2));
        assertFlagged(h, "b1.2 was told epoch 2 (b2) after epoch 2 (b2)");
    }

    @Test
    void anEpochNamingTwoLeadersIsFlagged() {
        List<Event> h = told();
        h.add(told("b2.1", 3500 * MS, "b1", 3));
        h.add(told("b1.2", 3600 * MS, "b2", 3));
        assertFlagged(h, "epoch 3 names two leaders: b1 (told to b2.1) and b2 (told to b1.2)");
        List<Event> believed = told();
        believed.add(told("b2.1", 3500 * MS, "b1", 3));
        believed.add(new Event.LeadStart("b2.1", 3, 5000 * MS)); // b2.1 is broker b2
        believed.add(new Event.LeadEnd("b2.1", 3, 5100 * MS));
        assertFlagged(believed, "epoch 3 names two leaders: b1 (told to b2.1) and b2 (believed by b2.1)");
    }

    /**
     * The correct history with a Kafka workload's: records acked and read, a controller killed and replaced in time,
     * the cluster whole 20 s after the plugin's history's QUIET.
     */
    private static List<Event> kafka() {
        List<Event> h = correct();
        h.add(new Event.KafkaController(0, 1, 1));
        h.add(new Event.KafkaAck("r0", 0, 0, 10 * MS));
        h.add(new Event.KafkaAck("r1", 1, 0, 11 * MS));
        h.add(new Event.KafkaSendFailed("r2", 12 * MS, "TimeoutException"));
        h.add(new Event.KafkaRead(0, 0, "r0"));
        h.add(new Event.Fault("KILL_KAFKA_CONTROLLER", "kafka-1", 1000 * MS, 30_000 * MS, "epoch 1"));
        h.add(new Event.KafkaController(1500 * MS, -1, 1));
        h.add(new Event.KafkaController(12_000 * MS, 2, 2));
        h.add(new Event.KafkaRecovered(23_100 * MS));
        h.add(new Event.KafkaFinal(0, 0, "r0"));
        h.add(new Event.KafkaFinal(1, 0, "r1"));
        h.add(new Event.KafkaFinal(2, 0, "r2"));
        h.add(new Event.KafkaElected(1, 1, "2026-11-30 01:00:00,000"));
        h.add(new Event.KafkaElected(2, 2, "2026-11-30 01:00:12,000"));
        return h;
    }

    @Test
    void aCorrectKafkaHistoryHasNoViolation() {
        Findings f = check(kafka());
        assertEquals(List.of(), f.violations);
        assertEquals("2", f.figures.get("Kafka records acknowledged"));
        assertEquals("1", f.figures.get("Kafka sends failed (refused or timed out; some may be in the log)"));
        assertEquals("2", f.figures.get("Kafka controller elections"));
        assertEquals(List.of(11_000 * MS), f.durations.get("Kafka controller failover after KILL_KAFKA_CONTROLLER"));
    }

    @Test
    void aLostAcknowledgedKafkaRecordIsFlagged() {
        List<Event> h = kafka();
        h.removeIf(e -> e.equals(new Event.KafkaFinal(1, 0, "r1")));
        assertFlagged(h, "Kafka record r1 acknowledged at 1/0 is not there in the final read (no record)");
    }

    @Test
    void aConsumedKafkaRecordThatVanishedIsFlagged() {
        List<Event> h = kafka();
        h.replaceAll(e -> e.equals(new Event.KafkaFinal(0, 0, "r0")) ? new Event.KafkaFinal(0, 0, "r9") : e);
        assertFlagged(h, "Kafka record r0 consumed at 0/0 is not there in the final read (found r9)");
    }

    @Test
    void twoKafkaControllersInOneEpochAreFlagged() {
        List<Event> h = kafka();
        h.add(new Event.KafkaElected(3, 2, "2026-11-30 01:00:12,500"));
        assertFlagged(h, "two Kafka controllers in epoch 2: brokers [2, 3]");
    }

    @Test
    void aSlowKafkaFailoverIsFlagged() {
        List<Event> h = kafka();
        h.replaceAll(e -> e.equals(new Event.KafkaController(12_000 * MS, 2, 2))
                ? new Event.KafkaController(25_000 * MS, 2, 2)
                : e);
        assertFlagged(h, "after KILL_KAFKA_CONTROLLER of kafka-1 the next Kafka controller (broker 2) took 24000 ms");
    }

    @Test
    void aKafkaRecordWrittenTwiceIsFlagged() {
        List<Event> h = kafka();
        h.add(new Event.KafkaFinal(2, 1, "r1"));
        assertFlagged(h, "Kafka record r1 is in the log 2 times");
    }

    @Test
    void aKafkaPartitionOutOfOrderIsFlagged() {
        List<Event> h = kafka();
        h.add(new Event.KafkaFinal(0, 1, "r3"));
        h.add(new Event.KafkaFinal(0, 2, "r2"));
        h.removeIf(e -> e.equals(new Event.KafkaFinal(2, 0, "r2")));
        assertFlagged(h, "Kafka partition 0 holds r2 at offset 2 after r3");
    }

    @Test
    void aControllerEpochGoingBackIsFlagged() {
        List<Event> h = kafka();
        h.add(new Event.KafkaController(13_000 * MS, 1, 1));
        assertFlagged(h, "the controller epoch went back from 2 to 1");
    }

    @Test
    void aKafkaFaultWhoseTargetHadAlreadyLostThePostIsNotTimed() {
        List<Event> h = kafka();
        h.add(new Event.KafkaController(900 * MS, 3, 2)); // the post moved to 3 before the kill of 1
        h.replaceAll(e -> e.equals(new Event.KafkaController(12_000 * MS, 2, 2))
                ? new Event.KafkaController(12_000 * MS, 3, 2)
                : e);
        h.removeIf(e -> e.equals(new Event.KafkaController(1500 * MS, -1, 1)));
        Findings f = check(h);
        assertEquals(List.of(), f.violations);
        assertEquals("1", f.figures.get("Kafka controller faults whose target no longer controlled (not timed)"));
    }

    @Test
    void aFailedStepOfTheKafkaWorkloadIsFlagged() {
        List<Event> h = kafka();
        h.add(new Event.KafkaError("final read", "TimeoutException:\tno end offsets"));
        assertFlagged(h, "Kafka workload: final read: TimeoutException: no end offsets");
    }

    @Test
    void aKafkaClusterThatDoesNotRecoverIsFlagged() {
        List<Event> late = kafka();
        late.replaceAll(e -> e instanceof Event.KafkaRecovered ? new Event.KafkaRecovered(140_000 * MS) : e);
        assertFlagged(late, "the Kafka cluster was whole again 136.9 s after the last fault, more than 90 s");
        List<Event> never = kafka();
        never.removeIf(e -> e instanceof Event.KafkaRecovered);
        assertFlagged(never, "the Kafka cluster was not whole again after the last fault");
    }

    @Test
    void linesSurviveTheirFormat() {
        for (Event e : fencing()) {
            assertEquals(e, Event.parse(Event.format(e)));
        }
        for (Event e : told()) {
            assertEquals(e, Event.parse(Event.format(e)));
        }
        for (Event e : kafka()) {
            assertEquals(e, Event.parse(Event.format(e)));
        }
    }

    private static void assertFlagged(List<Event> history, String expected) {
        Findings f = check(history);
        assertTrue(
                f.violations.stream().anyMatch(v -> v.contains(expected)),
                "expected a violation containing '" + expected + "', got " + f.violations);
    }

    private static Findings check(List<Event> events) {
        return HistoryChecker.check(new Histories(events), SETTINGS);
    }

    private static Event.Op put(String p, String key, String value, long invoke, long complete, Outcome outcome) {
        return new Event.Op(
                p,
                "PUT",
                key,
                value,
                0,
                invoke,
                complete,
                outcome,
                "-",
                outcome == Outcome.OK ? 1 : 0,
                outcome == Outcome.OK ? "-" : "KeyExistsException");
    }

    private static Event.Op cas(
            String p,
            String key,
            String value,
            long expected,
            long invoke,
            long complete,
            Outcome outcome,
            long version) {
        return new Event.Op(p, "CAS", key, value, expected, invoke, complete, outcome, "-", version, "-");
    }

    /** A fenced write that ended; {@code newerEpoch} above 0 makes it a refusal. */
    private static Event.Fenced fenced(
            String p,
            String kind,
            String key,
            String value,
            long epoch,
            long invoke,
            long complete,
            Outcome outcome,
            long version,
            long newerEpoch) {
        return new Event.Fenced(
                p,
                kind,
                key,
                value,
                epoch,
                invoke,
                complete,
                outcome,
                version,
                newerEpoch,
                newerEpoch > 0 ? Event.Fenced.REFUSED : "-");
    }

    private static Event.LeaderTold told(String p, long at, String leader, long epoch) {
        return new Event.LeaderTold(p, at, leader, epoch);
    }

    private static Event.LeaderTold vacant(String p, long at) {
        return new Event.LeaderTold(p, at, Event.ABSENT, Event.LeaderTold.VACANT);
    }

    private static Event.Op read(String p, String key, long invoke, long complete, String value, long version) {
        return new Event.Op(p, "READ", key, "-", 0, invoke, complete, Outcome.OK, value, version, "-");
    }
}
