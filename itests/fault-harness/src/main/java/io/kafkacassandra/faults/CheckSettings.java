package io.kafkacassandra.faults;

import java.time.Duration;

/**
 * The bounds the liveness checks hold the run to. {@code slack} covers what TTL + poll period leave out:
 * Cassandra expires TTLs at whole seconds, the winning compare-and-set takes a round trip, and this machine
 * runs three nodes and every broker on two cores.
 */
record CheckSettings(Duration leaseTtl, Duration pollPeriod, Duration slack) {
    long liveness() {
        return leaseTtl.plus(pollPeriod).plus(slack).toNanos();
    }
}
