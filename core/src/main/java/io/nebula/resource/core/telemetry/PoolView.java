package io.nebula.resource.core.telemetry;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.core.ConnectionPools;

import java.util.function.IntSupplier;
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
 * @param circuit  the circuit breaker's state as {@link #circuitCode()} reports it; {@code null} when it is off
 * @param counts   how many acquisitions ended with each outcome
 * @param redactor masks the resource's secrets in error texts
 * @param connections the connection pools inside the pool's live instances (a JDBC resource's data source); none for
 *                    a provider whose instances pool no connections
 * @param anomalies   how many of the pool's signals are flagged as anomalous now; {@code null} without history
 */
public record PoolView(String resource, String kind, String tenant, Supplier<PoolSnapshot> snapshot,
                       Supplier<HealthStatus> health, IntSupplier circuit, AcquisitionCounts counts, Redactor redactor,
                       ConnectionPools connections, IntSupplier anomalies) {

    /** A view of a pool without history. */
    public PoolView(String resource, String kind, String tenant, Supplier<PoolSnapshot> snapshot,
                    Supplier<HealthStatus> health, IntSupplier circuit, AcquisitionCounts counts, Redactor redactor,
                    ConnectionPools connections) {
        this(resource, kind, tenant, snapshot, health, circuit, counts, redactor, connections, null);
    }

    /** {@code nebula.resource.anomaly}: the pool's signals flagged now (0 to 2: acquisition p99, error rate). */
    public int anomalyCount() {
        return anomalies == null ? 0 : anomalies.getAsInt();
    }

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
        return circuit.getAsInt();
    }
}
