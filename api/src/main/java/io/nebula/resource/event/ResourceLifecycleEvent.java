package io.nebula.resource.event;

import io.nebula.resource.ResourceState;

import java.util.Objects;

/**
 * A resource's pool moved from one lifecycle state to another, e.g. {@code READY → DEGRADED} when its
 * backend starts failing, or {@code DRAINING → TERMINATED} at shutdown.
 *
 * @param resource the resource name, as in {@code nebula.resource.<name>}
 * @param from     the state it left
 * @param to       the state it entered
 */
public record ResourceLifecycleEvent(String resource, ResourceState from, ResourceState to) {

    public ResourceLifecycleEvent {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }
}
