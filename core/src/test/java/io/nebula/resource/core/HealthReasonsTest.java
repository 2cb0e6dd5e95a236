package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resource degraded for two reasons at once names both. Seen on Liberty (AnomalyIT): orders-db's pool shrunk to one
 * connection under load was flagged as an anomaly while its scheduled check, waiting for that connection, moved the
 * pool to DEGRADED; the health named only one of the two, whichever the map gave first.
 */
class HealthReasonsTest {

    private final HealthTracker tracker = new HealthTracker(DependencyGraph.of(Map.of("orders-db", List.of())),
            List.of("orders-db"));

    @Test
    void aDegradedPoolAndAnAnomalyAreBothNamed() {
        tracker.stateChanged("orders-db", "shared", ResourceState.DEGRADED, null);
        tracker.mark("orders-db", "shared anomaly acquisition-p99",
                HealthStatus.degraded("Resource 'orders-db': acquisition p99 122.9 ms against a baseline of 8.2 ms"));

        HealthStatus health = tracker.health("orders-db");

        assertThat(health.status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(health.message()).hasValue("Resource 'orders-db' is degraded; Resource 'orders-db': acquisition p99"
                + " 122.9 ms against a baseline of 8.2 ms");
    }

    @Test
    void onlyTheReasonsOfTheWorstStatusAreNamed() {
        tracker.stateChanged("orders-db", "shared", ResourceState.FAILED, new IllegalStateException("Connection refused"));
        tracker.mark("orders-db", "shared anomaly error-rate", HealthStatus.degraded("error rate 0.9 against 0.0"));

        HealthStatus health = tracker.health("orders-db");

        assertThat(health.status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(health.message().orElseThrow()).contains("Connection refused").doesNotContain("error rate");
    }
}
