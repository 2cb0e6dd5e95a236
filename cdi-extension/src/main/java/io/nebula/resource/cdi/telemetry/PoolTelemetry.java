package io.nebula.resource.cdi.telemetry;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;

/**
 * The telemetry of one pool: spans and metrics of its acquisitions, health checks, creations and failed
 * releases. No type of an optional library appears here, so the chain that calls it loads without them.
 * Every method must be cheap; {@link #NONE} does nothing at all.
 */
public interface PoolTelemetry {

    /** Does nothing: no OpenTelemetry and no MicroProfile Metrics. */
    PoolTelemetry NONE = new PoolTelemetry() {
    };

    /**
     * Starts the span of an acquisition as a child of the current span and makes it current, so what happens
     * inside (a creation) is its child.
     *
     * @return the span handle for {@link #endAcquire}, {@code null} when nothing is traced
     */
    default Object startAcquire(ResourceContext ctx) {
        return null;
    }

    /** Ends the span {@link #startAcquire} started; {@code error} is {@code null} on success. */
    default void endAcquire(Object span, Throwable error) {
    }

    /** Counts an acquisition and records how long it took; {@code error} is {@code null} on success. */
    default void acquired(ResourceContext ctx, long nanos, Throwable error) {
    }

    /** Starts the span of a health check; {@code null} when nothing is traced. */
    default Object startHealthCheck() {
        return null;
    }

    default void endHealthCheck(Object span, HealthStatus status) {
    }

    /** What the pool's engine reports (creations, failed releases), as spans and metrics. */
    default PoolListener listener() {
        return null;
    }

    /** The pool is gone: its gauges stop being reported. */
    default void close() {
    }
}
