package io.kafkacassandra.faults;

import java.util.List;
import java.util.stream.IntStream;

/** The keys the brokers share. The workload never deletes a key, so a key's first version is 1. */
final class Workload {
    /** Contended keys: created once, then updated and compared-and-set by every broker, watched by every broker. */
    static final List<String> POOL =
            IntStream.range(0, 5).mapToObj(i -> "/faults/k" + i).toList();
    /** Keys every broker tries to create at about the same time: exactly one put may win each. */
    static final String FRESH_NAMESPACE = "/fresh";
    /**
     * The namespace the leader of {@link #SERVICE} writes with fenced writes only, fencing it first when it takes
     * the post, and its keys (created by fenced puts, never deleted).
     */
    static final String FENCED_NAMESPACE = "/fenced";

    static final List<String> FENCED_KEYS =
            IntStream.range(0, 5).mapToObj(i -> FENCED_NAMESPACE + "/k" + i).toList();
    static final String SERVICE = "controller";
    static final String GROUP = "brokers";
    private static final long FRESH_PERIOD_NANOS = 3_000_000_000L;

    private Workload() {}

    /** The fresh key of this moment: the same in every broker process of the machine. */
    static String freshKey(long nanoTime) {
        return FRESH_NAMESPACE + "/f" + Math.floorDiv(nanoTime, FRESH_PERIOD_NANOS);
    }
}
