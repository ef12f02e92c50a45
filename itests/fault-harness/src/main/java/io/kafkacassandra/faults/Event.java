package io.kafkacassandra.faults;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One line of a history. Brokers write their operations, believed leaderships, group views and notifications;
 * the harness writes process lives, faults and the final reads. Times are {@link System#nanoTime()}, which on
 * Linux reads the system-wide monotonic clock, so times written by different processes of one machine compare.
 *
 * <p>A line is tab-separated, its first field the type. Keys, values and ids never hold tabs or commas (the
 * harness makes them); an absent value is written {@code -}.
 */
public sealed interface Event {
    String ABSENT = "-";

    /** How an operation ended: done, certainly not done, or unknown (applied or not). */
    enum Outcome {
        OK,
        FAIL,
        UNKNOWN
    }

    /**
     * A storage operation. {@code kind} is PUT, UPDATE, CAS or READ; {@code expected} the version a CAS was
     * conditioned on; {@code version} the version an OK CAS wrote or an OK READ saw (0 when absent or unknown);
     * {@code error} the exception's simple name or {@code -}.
     */
    record Op(
            String process,
            String kind,
            String key,
            String value,
            long expected,
            long invoke,
            long complete,
            Outcome outcome,
            String readValue,
            long version,
            String error)
            implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {
                "OP", process, kind, key, value, expected, invoke, complete, outcome, readValue, version, error
            };
        }

        boolean isWrite() {
            return !kind.equals("READ");
        }
    }

    /**
     * A write about to be sent, logged before the call: if the process dies before the call returns, the write
     * counts as one whose outcome is unknown.
     */
    record Invoke(String process, String kind, String key, String value, long expected, long invoke) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"INVOKE", process, kind, key, value, expected, invoke};
        }
    }

    /**
     * A write of the leader of {@link Workload#SERVICE} fenced with the epoch of its leadership. {@code kind} is
     * PUT, UPDATE, CAS or FENCE (the fence raised alone: {@code key} is then the namespace, and {@code value} only
     * names the call); {@code version} the version an OK PUT or CAS wrote (0 otherwise: reads tell an update's);
     * {@code newerEpoch} the epoch a FencedOutException named (0 otherwise); {@code error} as in {@link Op}.
     */
    record Fenced(
            String process,
            String kind,
            String key,
            String value,
            long epoch,
            long invoke,
            long complete,
            Outcome outcome,
            long version,
            long newerEpoch,
            String error)
            implements Event {
        static final String REFUSED = "FencedOutException";

        @Override
        public Object[] fields() {
            return new Object[] {
                "FENCED", process, kind, key, value, epoch, invoke, complete, outcome, version, newerEpoch, error
            };
        }

        /** Where the fence of this write lives: the parent path of the key, or the namespace a FENCE raised. */
        String namespace() {
            if (kind.equals("FENCE")) {
                return key;
            }
            int slash = key.lastIndexOf('/');
            return slash <= 0 ? "/" : key.substring(0, slash);
        }

        boolean isFence() {
            return kind.equals("FENCE");
        }

        /** Refused because a newer epoch fenced the namespace: certainly not applied. */
        boolean refused() {
            return error.equals(REFUSED);
        }
    }

    /** A fenced write about to be sent, logged before the call with its epoch, as {@link Invoke} is. */
    record FencedInvoke(String process, String kind, String key, String value, long epoch, long invoke)
            implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"FENCED_INVOKE", process, kind, key, value, epoch, invoke};
        }
    }

    /**
     * A read of a fenced key (by a leader before it writes, or the harness's final one), ended at {@code at}: it
     * tells the version an update wrote. {@code value} is {@code -} when the key was absent.
     */
    record FencedRead(String process, String key, long at, String value, long version) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"FENCED_READ", process, key, at, value, version};
        }
    }

    /** A broker's sampler saw {@code heldLeadership} answer yes with this epoch; the call began at {@code at}. */
    record LeadStart(String process, long epoch, long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"LEAD_START", process, epoch, at};
        }
    }

    /** The last call of the sampler that answered yes for this epoch ended at {@code at}. */
    record LeadEnd(String process, long epoch, long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"LEAD_END", process, epoch, at};
        }
    }

    /**
     * The controller election's {@code LeadershipListener} was told this leadership: its leader and epoch, or
     * {@code -} and epoch -1 when it was told that the post is vacant (the last leadership ended).
     */
    record LeaderTold(String process, long at, String leader, long epoch) implements Event {
        static final long VACANT = -1;

        @Override
        public Object[] fields() {
            return new Object[] {"LEADER_TOLD", process, at, leader, epoch};
        }

        boolean vacant() {
            return leader.equals(ABSENT);
        }
    }

    /** A group membership listener was told this set of member ids. */
    record View(String process, long at, Set<String> members) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"VIEW", process, at, joined(members)};
        }
    }

    /** A value change listener was told this value of the key. */
    record Watch(String process, long at, String key, String value) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"WATCH", process, at, key, value};
        }
    }

    /** A key set change listener was told this set of the namespace. */
    record KeySet(String process, long at, String namespace, Set<String> keys) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KEYSET", process, at, namespace, joined(keys)};
        }
    }

    /** The last value a broker's value listener was told for the key, written when the run ends. */
    record Final(String process, String key, String value) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"FINAL", process, key, value};
        }
    }

    /** The harness started a broker process (an incarnation of a broker id). */
    record Spawn(String process, String broker, long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"SPAWN", process, broker, at};
        }
    }

    /** The harness saw the process end (killed or stopped); nothing it believed outlives this instant. */
    record Exit(String process, long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"EXIT", process, at};
        }
    }

    /** A fault the nemesis injected ({@code start}) or healed ({@code end}); target names a node or process. */
    record Fault(String kind, String target, long start, long end, String note) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"FAULT", kind, target, start, end, note};
        }
    }

    /** The harness's SERIAL read of a key once every writer has stopped. */
    record FinalRead(String key, String value, long version) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"FINAL_READ", key, value, version};
        }
    }

    /** The last fault was healed at this instant and none follows. */
    record Quiet(long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"QUIET", at};
        }
    }

    /** The Kafka workload's producer had this record acknowledged ({@code acks=all}) at this partition and offset. */
    record KafkaAck(String value, int partition, long offset, long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_ACK", value, partition, offset, at};
        }
    }

    /** A send of the Kafka workload's producer failed: the record may or may not be in the log. */
    record KafkaSendFailed(String value, long at, String error) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_SEND_FAILED", value, at, error};
        }
    }

    /** The Kafka workload's group consumer read this record (below the high watermark: it must never vanish). */
    record KafkaRead(int partition, long offset, String value) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_READ", partition, offset, value};
        }
    }

    /** The final read of the Kafka workload's topic, every partition from its start to its end, once all is quiet. */
    record KafkaFinal(int partition, long offset, String value) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_FINAL", partition, offset, value};
        }
    }

    /** The harness's poller saw this broker in {@code /controller} (broker -1: none) and this controller epoch. */
    record KafkaController(long at, int broker, int epoch) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_CONTROLLER", at, broker, epoch};
        }
    }

    /**
     * A Kafka broker's log says it was elected controller in this epoch (Kafka's conditional multi on
     * {@code /controller} and {@code /controller_epoch} succeeded); {@code line} is the log line's time stamp.
     */
    record KafkaElected(int broker, int epoch, String line) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_ELECTED", broker, epoch, line};
        }
    }

    /**
     * After the last fault the Kafka cluster was whole again at this instant: every broker registered, a controller,
     * every partition led with its full ISR, and a record acknowledged.
     */
    record KafkaRecovered(long at) implements Event {
        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_RECOVERED", at};
        }
    }

    /** A step of the Kafka workload failed (a partition offline at the final read, a client that did not stop). */
    record KafkaError(String stage, String message) implements Event {
        public KafkaError {
            message = message.replaceAll("[\\t\\r\\n]", " ");
        }

        @Override
        public Object[] fields() {
            return new Object[] {"KAFKA_ERROR", stage, message};
        }
    }

    /** The fields of the event's line, its type first. */
    Object[] fields();

    /** Writes the event as one line. */
    static String format(Event event) {
        StringBuilder line = new StringBuilder();
        for (Object field : event.fields()) {
            if (line.length() > 0) {
                line.append('\t');
            }
            line.append(field);
        }
        return line.toString();
    }

    /** Reads one line written by {@link #format}. */
    static Event parse(String line) {
        String[] f = line.split("\t", -1);
        try {
            return switch (f[0]) {
                case "OP" ->
                    new Op(
                            f[1],
                            f[2],
                            f[3],
                            f[4],
                            Long.parseLong(f[5]),
                            Long.parseLong(f[6]),
                            Long.parseLong(f[7]),
                            Outcome.valueOf(f[8]),
                            f[9],
                            Long.parseLong(f[10]),
                            f[11]);
                case "INVOKE" -> new Invoke(f[1], f[2], f[3], f[4], Long.parseLong(f[5]), Long.parseLong(f[6]));
                case "FENCED" ->
                    new Fenced(
                            f[1],
                            f[2],
                            f[3],
                            f[4],
                            Long.parseLong(f[5]),
                            Long.parseLong(f[6]),
                            Long.parseLong(f[7]),
                            Outcome.valueOf(f[8]),
                            Long.parseLong(f[9]),
                            Long.parseLong(f[10]),
                            f[11]);
                case "FENCED_INVOKE" ->
                    new FencedInvoke(f[1], f[2], f[3], f[4], Long.parseLong(f[5]), Long.parseLong(f[6]));
                case "FENCED_READ" -> new FencedRead(f[1], f[2], Long.parseLong(f[3]), f[4], Long.parseLong(f[5]));
                case "LEAD_START" -> new LeadStart(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]));
                case "LEAD_END" -> new LeadEnd(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]));
                case "LEADER_TOLD" -> new LeaderTold(f[1], Long.parseLong(f[2]), f[3], Long.parseLong(f[4]));
                case "VIEW" -> new View(f[1], Long.parseLong(f[2]), set(f[3]));
                case "WATCH" -> new Watch(f[1], Long.parseLong(f[2]), f[3], f[4]);
                case "KEYSET" -> new KeySet(f[1], Long.parseLong(f[2]), f[3], set(f[4]));
                case "FINAL" -> new Final(f[1], f[2], f[3]);
                case "SPAWN" -> new Spawn(f[1], f[2], Long.parseLong(f[3]));
                case "EXIT" -> new Exit(f[1], Long.parseLong(f[2]));
                case "FAULT" -> new Fault(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]);
                case "FINAL_READ" -> new FinalRead(f[1], f[2], Long.parseLong(f[3]));
                case "QUIET" -> new Quiet(Long.parseLong(f[1]));
                case "KAFKA_ACK" ->
                    new KafkaAck(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
                case "KAFKA_SEND_FAILED" -> new KafkaSendFailed(f[1], Long.parseLong(f[2]), f[3]);
                case "KAFKA_READ" -> new KafkaRead(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]);
                case "KAFKA_FINAL" -> new KafkaFinal(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]);
                case "KAFKA_CONTROLLER" ->
                    new KafkaController(Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                case "KAFKA_ELECTED" -> new KafkaElected(Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3]);
                case "KAFKA_RECOVERED" -> new KafkaRecovered(Long.parseLong(f[1]));
                case "KAFKA_ERROR" -> new KafkaError(f[1], f[2]);
                default -> throw new IllegalArgumentException("unknown event type " + f[0]);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed history line: " + line, e);
        }
    }

    private static String joined(Set<String> items) {
        return String.join(",", new TreeSet<>(items));
    }

    private static Set<String> set(String joined) {
        return joined.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(joined.split(",")));
    }

    /** Reads every line of the given texts, in order. */
    static List<Event> parseAll(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).map(Event::parse).toList();
    }
}
