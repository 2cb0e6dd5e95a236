package io.nebula.resource.core.declared;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceState;

import java.util.List;
import java.util.Map;

/**
 * What a resource's health checks report, over all its pools (its shared pool and its tenants'): figures are
 * summed, the circuit is the worst one, the resource is quarantined when any pool is. Holds no secret: the
 * last error is redacted.
 *
 * @param health          the resource's own status cascaded through its dependencies
 * @param circuit         {@code closed}, {@code half-open}, {@code open}, or {@code off}
 * @param lastError       the last backend error, redacted; {@code null} for none
 * @param downDependencies the dependencies that are DOWN
 * @param checksStalled   whether scheduled checks are due but have not run for three intervals
 * @param endpoints       each endpoint's status by name, in declaration order ({@code UP}, or
 *                        {@code DOWN for 12.0 s: <error, redacted>}); empty for a resource without {@code pool.endpoints}
 */
public record HealthReport(String resource, String kind, ResourceState state, HealthStatus health, PoolSnapshot pool,
                           String circuit, String lastError, boolean quarantined, List<String> downDependencies,
                           boolean checksStalled, Map<String, String> endpoints) {
}
