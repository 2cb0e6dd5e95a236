package io.nebula.resource.sample.workflows;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failed actions are a resource's unavailability (503), naming which resource and why; the rest are 500. */
class UnavailableTest {

    private static final List<String> DECLARED = List.of("orders-db", "cache");
    private static final Function<String, HealthStatus> ALL_UP = r -> HealthStatus.up();

    @Test
    void anOpenCircuitNamesItsResourceEvenInsideTheJdbcExceptionOfGetConnection() {
        CircuitOpenException open = new CircuitOpenException("orders-db", Instant.parse("2026-01-01T00:00:00Z"),
                new ConnectException("Connection refused"));
        SQLException jdbc = new SQLTransientConnectionException(open.getMessage(), "08001", open);

        assertThat(Unavailable.of(jdbc, DECLARED, ALL_UP)).hasValueSatisfying(u -> {
            assertThat(u.resource()).isEqualTo("orders-db");
            assertThat(u.reason()).isEqualTo("CIRCUIT_OPEN");
            assertThat(u.message()).isEqualTo(open.getMessage());
        });
    }

    @Test
    void anAcquisitionThatFailedSaysItsReason() {
        AcquisitionTimeoutException down = new AcquisitionTimeoutException("cache",
                AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE, 0, "Could not acquire 'cache'", null);

        assertThat(Unavailable.of(new RuntimeException("wrapped", down), DECLARED, ALL_UP))
                .contains(new Unavailable("cache", "BACKEND_UNAVAILABLE", "Could not acquire 'cache'"));
        assertThat(Unavailable.of(new ResourceClosedException("orders-db"), DECLARED, ALL_UP))
                .hasValueSatisfying(u -> assertThat(u.reason()).isEqualTo("CLOSED"));
    }

    @Test
    void anOperatorsPauseOrDrainIsAnUnavailabilityNamingTheHold() {
        var paused = new io.nebula.resource.admin.ResourcePausedException("orders-db",
                io.nebula.resource.admin.AdminAction.PAUSE, "NEBULA-4401 Could not acquire 'orders-db': paused");
        var drained = new io.nebula.resource.admin.ResourcePausedException("cache",
                io.nebula.resource.admin.AdminAction.DRAIN, "NEBULA-4401 Could not acquire 'cache': drained");
        SQLException jdbc = new SQLTransientConnectionException(paused.getMessage(), "08001", paused);

        assertThat(Unavailable.of(jdbc, DECLARED, ALL_UP)).contains(new Unavailable("orders-db", "PAUSED",
                paused.getMessage()));
        assertThat(Unavailable.of(drained, DECLARED, ALL_UP)).contains(new Unavailable("cache", "DRAINED",
                drained.getMessage()));
    }

    @Test
    void aDriversConnectionFailureIsPutDownToTheDeclaredResourceThatIsDown() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001",
                new ConnectException("Connection refused"));
        Map<String, HealthStatus> health = Map.of("orders-db", HealthStatus.down("Connection to 127.0.0.1:5432 refused"),
                "cache", HealthStatus.up());

        assertThat(Unavailable.of(refused, DECLARED, health::get))
                .contains(new Unavailable("orders-db", "DOWN", "Connection to 127.0.0.1:5432 refused"));
        assertThat(Unavailable.of(refused, DECLARED, ALL_UP)).as("no resource is known down: nothing to name").isEmpty();
    }

    @Test
    void otherFailuresAreNotAnUnavailability() {
        Function<String, HealthStatus> allDown = r -> HealthStatus.down("down");

        assertThat(Unavailable.of(new SQLException("duplicate key", "23505"), DECLARED, allDown))
                .as("an SQL error that is not about the connection").isEmpty();
        assertThat(Unavailable.of(new IllegalStateException("bug"), DECLARED, allDown)).isEmpty();
        assertThat(Unavailable.of(new QuotaExceededException("orders-db", "acme", "max-connections", 2), DECLARED, allDown))
                .as("a tenant's quota is the request's limit, not the service's").isEmpty();
    }
}
