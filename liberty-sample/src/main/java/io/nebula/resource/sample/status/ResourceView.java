package io.nebula.resource.sample.status;

import jakarta.json.bind.annotation.JsonbNillable;

import java.util.List;

/**
 * One row of {@code GET /api/resources}: what the dashboard shows for a resource. A figure the
 * extension does not report is {@code null} (serialized as {@code null}, never invented), so the
 * dashboard can show "n/a" instead of a made-up zero.
 *
 * @param health         {@code UP}, {@code DEGRADED} or {@code DOWN}
 * @param healthMessage  why the resource is not UP, if known
 * @param utilization    active / max, between 0 and 1
 * @param p99AcquisitionMs 99th percentile of the time to acquire a lease, in milliseconds
 * @param errorRate      failed acquisitions / all acquisitions, between 0 and 1
 * @param circuitState   {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
 */
@JsonbNillable
public record ResourceView(String name, String kind, String scope, String state, String health,
                           String healthMessage, double utilization, int active, int idle, int pending,
                           int max, Double p99AcquisitionMs, Double errorRate, String circuitState,
                           List<String> dependsOn) {
}
