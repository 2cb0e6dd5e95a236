package io.nebula.resource.cdi.telemetry;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.cdi.resilience.CircuitState;

import java.util.function.Supplier;

/**
 * What telemetry may read of one pool: a resource's shared pool or one tenant's. Its figures are read when a
 * gauge is collected, not pushed.
 *
 * @param resource the resource name
 * @param kind     the provider's kind
 * @param tenant   the tenant whose pool this is; {@code null} for the resource's shared pool
 * @param snapshot the pool's figures now
 * @param health   the resource's health now (cascaded)
 * @param circuit  the circuit breaker, {@code null} when it is off
 * @param redactor masks the resource's secrets in error texts
 */
public record PoolView(String resource, String kind, String tenant, Supplier<PoolSnapshot> snapshot,
                       Supplier<HealthStatus> health, CircuitState circuit, Redactor redactor) {

    /** {@code nebula.health.score}: 1 for UP, 0.5 for DEGRADED, 0 for DOWN. */
    public double healthScore() {
        return switch (health.get().status()) {
            case UP -> 1.0;
            case DEGRADED -> 0.5;
            case DOWN -> 0.0;
        };
    }

    /** {@code nebula.resource.circuit.state}: 0 closed (or no breaker), 1 half-open, 2 open. */
    public int circuitCode() {
        if (circuit == null) {
            return 0;
        }
        return switch (circuit.state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }
}
