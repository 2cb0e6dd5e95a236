package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;

import java.util.Set;

/**
 * Hears what a pool does. Every method is a no-op by default, so metrics, tracing and events plug in
 * here and cost nothing where unused. Methods are called on the thread that caused the event (an
 * acquirer, a releaser, the housekeeper, a creator thread): they must be fast and must not block. An
 * exception thrown by a listener is logged and otherwise ignored.
 */
public interface PoolListener {

    /** The resource moved between lifecycle states. */
    default void onStateChange(String pool, ResourceState from, ResourceState to) {
    }

    /** One pooled instance moved between states. */
    default void onInstanceState(String pool, InstanceState from, InstanceState to) {
    }

    /** An acquisition starts. */
    default void beforeAcquire(String pool, ResourceContext ctx) {
    }

    /**
     * An acquisition succeeded after waiting {@code waitNanos} for an instance: 0 when one was idle, so a hit
     * costs no precise clock read; otherwise the time spent creating one or waiting for a return.
     */
    default void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
    }

    /** An acquisition failed (timeout, backend unavailable, draining). */
    default void onAcquireFailure(String pool, ResourceContext ctx, ResourceException error, long waitNanos) {
    }

    /**
     * A lease was closed or invalidated after being held {@code heldNanos}, measured on the hit path's clock:
     * to within about a millisecond for pools on the system clock (see the engine's coarse clock).
     */
    default void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
    }

    /** A lease has been held longer than {@code pool.leak-threshold}; reported once per lease. */
    default void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
    }

    /** A lease reported as leaked came back after {@code heldNanos}. */
    default void onLeakReturned(String pool, ResourceContext ctx, long heldNanos) {
    }

    /** A new instance was created in {@code createNanos}. */
    default void onCreate(String pool, long createNanos) {
    }

    /** Creating an instance failed. */
    default void onCreationFailure(String pool, Throwable error) {
    }

    /** An instance was validated (on borrow or by keep-alive). */
    default void onValidation(String pool, boolean valid) {
    }

    /** An instance is being let go, and why. */
    default void onEviction(String pool, EvictionReason reason) {
    }

    /** An instance was destroyed. */
    default void onDestroy(String pool) {
    }

    /**
     * The resource's credentials changed at their source: new instances use the new values and those made
     * with the old ones are being retired. {@code keys} names what changed (never a value); {@code ctx}
     * carries the tenant whose pool rotated, or none for a resource's shared pool.
     */
    default void onCredentialRotation(String pool, ResourceContext ctx, Set<String> keys) {
    }
}
