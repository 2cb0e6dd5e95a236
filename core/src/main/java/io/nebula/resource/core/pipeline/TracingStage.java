package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.telemetry.PoolTelemetry;

import java.time.Duration;

/**
 * A span {@code nebula.resource.acquire <name>}, child of the current span and current while the stages below
 * run (so a creation is its child). In the pipeline only when a backend traces.
 */
final class TracingStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final PoolTelemetry telemetry;

    TracingStage(Acquisition<T> next, PoolTelemetry telemetry) {
        this.next = next;
        this.telemetry = telemetry;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "tracing";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        Object span = telemetry.startAcquire(ctx);
        try {
            T acquired = next.acquire(timeout, ctx);
            telemetry.endAcquire(span, null);
            return acquired;
        } catch (Exception | Error e) {
            telemetry.endAcquire(span, e);
            throw e;
        }
    }
}
