package io.nebula.resource;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One resource's figures, over all its live pools (its shared pool and its tenants'), as
 * {@link ResourceStatistics} reads them. A figure that is not measured is empty, never zero. Holds no secret:
 * the health message is masked like the health checks'.
 *
 * @param state            the resource's lifecycle state
 * @param health           its status cascaded through its dependencies
 * @param downDependencies the dependencies that are DOWN, which is why it is not UP
 * @param pool             the figures of its live pools, summed
 * @param tenants          each live tenant pool's figures, by tenant id; empty unless the resource is {@code tenant}-scoped
 * @param acquisitions     how many acquisitions the percentile and the error rate are computed over: the last
 *                         1024 of each live pool at most, retries counted as part of their acquisition
 * @param p99Acquisition   the 99th percentile (nearest rank) of how long those acquisitions took, failed ones
 *                         included; empty before the first acquisition
 * @param errorRate        the share of those acquisitions that failed (after their retries), 0 to 1; empty before
 *                         the first acquisition
 * @param circuit          {@code closed}, {@code half-open} or {@code open} (the worst of its pools); empty when its
 *                         circuit breaker is off
 */
public record ResourceFigures(String resource, String kind, ResourceState state, HealthStatus health,
                              List<String> downDependencies, PoolSnapshot pool, Map<String, PoolSnapshot> tenants,
                              int acquisitions, Optional<Duration> p99Acquisition, OptionalDouble errorRate,
                              Optional<String> circuit) {

    public ResourceFigures {
        downDependencies = List.copyOf(downDependencies);
        tenants = Collections.unmodifiableMap(new TreeMap<>(tenants));
    }
}
