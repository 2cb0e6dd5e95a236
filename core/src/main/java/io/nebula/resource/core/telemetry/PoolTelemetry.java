package io.nebula.resource.core.telemetry;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;

/**
 * The telemetry of one pool: spans and metrics of its acquisitions, health checks, creations and failed
 * releases, as a backend (OpenTelemetry, MicroProfile Metrics) implements it. No type of an optional library appears here, so the chain that calls it loads without them.
 * Every method must be cheap; {@link #NONE} does nothing at all.
 */
public interface PoolTelemetry {

    /** Does nothing: no OpenTelemetry and no MicroProfile Metrics. */
    PoolTelemetry NONE = new PoolTelemetry() {
    };

    /** Whether {@link #startAcquire} starts spans: without, the pipeline has no tracing stage at all. */
    default boolean traces() {
        return false;
    }

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

    /**
     * An acquisition that was not served at once: it waited (for a creation, a returned lease, a retry) at least
     * one tick of the pool's hit clock (about a millisecond), or it failed. Its duration goes to the duration
     * histogram, a failure to the error counters; {@code error} is {@code null} on success. A pool hit is not
     * reported here unless {@link #countsEachAcquisition()}: every acquisition, hits included, is counted in
     * {@link PoolView#counts()}, which a backend with observable instruments reads at collection time.
     */
    default void acquired(ResourceContext ctx, long nanos, Throwable error) {
    }

    /**
     * Whether {@link #acquired} must hear pool hits too (with a duration of 0): a backend that cannot read counts
     * at collection time (MicroProfile Metrics has no observable counter). It costs the hit path a call.
     */
    default boolean countsEachAcquisition() {
        return false;
    }

    /**
     * The pool's resource was down ({@code error}: circuit open, quarantined, backend unavailable) and its fallback
     * {@code fallback} served the acquisition instead. Called inside the acquisition's span (current, when traced),
     * before it ends: a backend marks the span and counts the fallback.
     */
    default void fellBack(ResourceContext ctx, String fallback, Throwable error) {
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
