package io.kafkacassandra.storage;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.kafkacassandra.session.internal.Text;
import io.kafkacassandra.storage.internal.KvTable;
import java.util.Map;
import org.apache.kafka.plugin.interfaces.Leadership;

/**
 * The fence of one fenced storage call: which form of the fence condition its next attempt uses, and what a
 * refused attempt says about the fence.
 */
final class FencedWrite {
    /** What a refused fenced attempt means. */
    enum Refusal {
        /** The fence let the write through: the key's own condition refused it. */
        BY_KEY,
        /** The attempt used the wrong form of the fence condition for the namespace's state: try the other. */
        WRONG_FORM,
        /** A newer epoch of the service fenced the namespace: {@link #newerEpoch()} says which. */
        BY_NEWER_EPOCH
    }

    private final Leadership leadership;
    private boolean firstFence; // the namespace is believed to hold no fence of this service yet
    private long newerEpoch;

    private FencedWrite(Leadership leadership) {
        this.leadership = leadership;
    }

    /** Validates a caller's leadership: a service name as ids are, and an epoch an election can give (1 and up). */
    static FencedWrite of(Leadership leadership) {
        if (leadership == null) {
            throw new IllegalArgumentException(
                    "leadership must not be null (use the unfenced call to write" + " without a fence)");
        }
        Text.id("leadership service", leadership.service());
        if (leadership.epoch() < 1) {
            throw new IllegalArgumentException("leadership epoch must be at least 1, was " + leadership.epoch());
        }
        return new FencedWrite(leadership);
    }

    Leadership leadership() {
        return leadership;
    }

    long newerEpoch() {
        return newerEpoch;
    }

    /** The next attempt's statement of {@code form} on a key ({@code name} null for the fence alone). */
    Statement<?> statement(
            KvTable table,
            KvTable.FencedForm form,
            String namespace,
            String name,
            Object[] setValues,
            Object[] conditionValues) {
        return table.fenced(
                form,
                firstFence,
                leadership.service(),
                leadership.epoch(),
                namespace,
                name,
                setValues,
                conditionValues);
    }

    /**
     * Judges a refused attempt by the fences it returns (a refused lightweight transaction returns the columns of
     * its condition; none at all when the partition does not exist).
     */
    Refusal judge(Row refusal) {
        Long fence = fenceIn(refusal);
        if (fence != null && fence > leadership.epoch()) {
            newerEpoch = fence;
            return Refusal.BY_NEWER_EPOCH;
        }
        boolean shouldBeFirst = fence == null;
        if (shouldBeFirst != firstFence) {
            firstFence = shouldBeFirst;
            return Refusal.WRONG_FORM;
        }
        return Refusal.BY_KEY;
    }

    /** The fence of the leadership's service in a row that may hold the {@code fences} column. */
    Long fenceIn(Row row) {
        if (row == null || !row.getColumnDefinitions().contains("fences") || row.isNull("fences")) {
            return null;
        }
        Map<String, Long> fences = row.getMap("fences", String.class, Long.class);
        return fences.get(leadership.service());
    }
}
