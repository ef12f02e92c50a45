package io.kafkacassandra.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseWorkersTest {
    @Test
    void leasesAreRenewedAtLeastThreeTimesPerValidity() {
        CassandraSettings defaults = CassandraSettings.builder().build(); // validity 800 ms, renew period 500 ms
        assertEquals(Duration.ofNanos(Duration.ofMillis(800).toNanos() / 3), LeaseWorkers.renewInterval(defaults));
        CassandraSettings often = CassandraSettings.builder().renewPeriod(Duration.ofMillis(100)).build();
        assertEquals(Duration.ofMillis(100), LeaseWorkers.renewInterval(often));
    }

    @Test
    void aRenewalGoesToAnotherCoordinatorAfterAQuarterOfTheValidity() {
        assertEquals(Duration.ofMillis(200), SessionFactory.speculativeRenewalDelay(CassandraSettings.builder().build()));
    }
}
