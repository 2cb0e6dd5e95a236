package io.nebula.resource;

/**
 * The lifecycle of a resource: {@code CREATED → INITIALIZING → READY ⇄ DEGRADED → DRAINING →
 * TERMINATED}, with {@code FAILED} reachable from initialization and operation and left again by
 * recovery. The legal transitions are enforced by the engine; an illegal one is a bug and throws.
 */
public enum ResourceState {
    CREATED, INITIALIZING, READY, DEGRADED, FAILED, DRAINING, TERMINATED;

    /** Whether new acquisitions may be attempted in this state. */
    public boolean acceptsAcquisitions() {
        return this == READY || this == DEGRADED || this == INITIALIZING || this == FAILED;
    }
}
