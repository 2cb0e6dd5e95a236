package io.nebula.resource.core.telemetry;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The application's telemetry backends (OpenTelemetry, MicroProfile Metrics), each detected by class
 * presence and found as a CDI bean. Hands out one {@link PoolTelemetry} per pool.
 */
public interface Telemetry {

    /** No backend. */
    Telemetry NONE = new Telemetry() {
        @Override
        public PoolTelemetry forPool(PoolView pool) {
            return PoolTelemetry.NONE;
        }
    };

    PoolTelemetry forPool(PoolView pool);

    /**
     * Adds the current trace context to an outgoing message as W3C headers ({@code traceparent}, and
     * {@code tracestate} when there is one). Does nothing when no span is current or nothing is traced.
     */
    default void injectTraceContext(BiConsumer<String, String> header) {
    }

    /**
     * Reports the application's node of the cluster ({@code nebula.cluster.resource}): whether it counts alone,
     * the backend's latency, what it admitted alone (docs/observability.md, {@code nebula.cluster.*}). Removed with
     * {@link #close}.
     */
    default void cluster(io.nebula.resource.core.cluster.Cluster cluster) {
    }

    /** The application stops: gauges and callbacks are removed. */
    default void close() {
    }

    /** All of {@code backends} at once. */
    static Telemetry of(List<Telemetry> backends) {
        List<Telemetry> real = backends.stream().filter(t -> t != NONE).toList();
        if (real.isEmpty()) {
            return NONE;
        }
        if (real.size() == 1) {
            return real.get(0);
        }
        return new Telemetries(real);
    }
}
