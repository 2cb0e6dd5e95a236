package io.nebula.resource.event;

import io.nebula.resource.HealthStatus;

import java.util.Objects;

/**
 * A resource's health status (UP, DEGRADED, DOWN) changed. The status is cascaded: a resource whose
 * dependency is DOWN is at best DEGRADED, and its message names that dependency. Fired only when the
 * status changes, not on every check.
 *
 * @param resource the resource name
 * @param previous the status before the change
 * @param current  the status now
 */
public record HealthChangedEvent(String resource, HealthStatus previous, HealthStatus current) {

    public HealthChangedEvent {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
    }
}
