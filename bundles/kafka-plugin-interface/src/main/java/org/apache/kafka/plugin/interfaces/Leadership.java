package org.apache.kafka.plugin.interfaces;

import java.util.Objects;

/**
 * A leadership of a service. The epoch is the fencing token: it is strictly greater for every successive
 * leadership of the same service, is never reused (not even after a lease expires or the store restarts), and a
 * leader passes it with every write it makes elsewhere so that writes of a deposed leader can be refused.
 */
public record Leadership(String service, String leader, long epoch) {
    public Leadership {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(leader, "leader");
    }
}
