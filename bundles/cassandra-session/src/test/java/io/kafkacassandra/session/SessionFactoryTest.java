package io.kafkacassandra.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pure logic: when the driver sends a renewal or a read to a second coordinator (no Cassandra needed). */
class SessionFactoryTest {
    @Test
    void aRenewalGoesToAnotherCoordinatorAfterAQuarterOfTheValidity() {
        assertEquals(
                Duration.ofMillis(200),
                SessionFactory.speculativeRenewalDelay(CassandraSettings.builder()
                        .leaseTtl(Duration.ofSeconds(2))
                        .build()));
    }

    @Test
    void aReadGoesToAnotherCoordinatorAfterHalfTheRequestTimeout() {
        assertEquals(
                Duration.ofMillis(2500),
                SessionFactory.speculativeReadDelay(CassandraSettings.builder().build()));
    }
}
