package io.nebula.resource.dashboard;

import jakarta.json.bind.annotation.JsonbNillable;

import java.util.List;

/**
 * One row of {@code GET /api/resources}: what the dashboard shows for a resource. A figure the
 * extension does not measure is {@code null} (serialized as {@code null}, never invented), so the
 * dashboard can show "n/a" instead of a made-up zero.
 *
 * @param health           {@code UP}, {@code DEGRADED} or {@code DOWN}, cascaded through its dependencies
 * @param healthMessage    why the resource is not UP, if known
 * @param downDependencies the dependencies that are DOWN, which is why it is not UP
 * @param min              the pool's {@code pool.min-size} (summed over its tenants' pools for a tenant-scoped resource)
 * @param utilization      active / max, between 0 and 1 (over all its tenants' pools for a tenant-scoped resource)
 * @param p99AcquisitionMs 99th percentile of the time to acquire, over its recent acquisitions, in
 *                         milliseconds; {@code null} before the first one
 * @param errorRate        failed acquisitions / recent acquisitions, between 0 and 1; {@code null} before the first one
 * @param circuitState     {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}; {@code null} when it has no circuit breaker
 * @param tenants          each tenant's pool of a tenant-scoped resource, by tenant id; empty for any other
 */
@JsonbNillable
public record ResourceView(String name, String kind, String scope, String state, String health,
                           String healthMessage, List<String> downDependencies, double utilization, int active,
                           int idle, int pending, int max, int min, Double p99AcquisitionMs, Double errorRate,
                           String circuitState, List<String> dependsOn, List<TenantPool> tenants) {

    /** One tenant's pool of a tenant-scoped resource. */
    public record TenantPool(String tenant, double utilization, int active, int idle, int pending, int max) {
    }
}
