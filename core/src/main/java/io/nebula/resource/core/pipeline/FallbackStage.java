package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.telemetry.PoolTelemetry;

import java.time.Duration;

/**
 * While the resource is down (see {@link Fallback#down}), its {@code fallback} serves the acquisition, once, through
 * the fallback's own pipeline. Inside tracing, so the acquisition's span says which resource served it and the
 * fallback's span is its child; outside metering, quarantine, the breaker and the retry, so the resource's own
 * failure is counted, moves its circuit and health, and is retried as ever before the fallback is asked. Audit
 * records the fallback (the resource's own failure is then no failure record: the caller was served). When the
 * fallback fails too, the caller gets the resource's own error, the fallback's suppressed in it. In the pipeline
 * only when the resource has a fallback.
 */
final class FallbackStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final String fallback;
    private final Acquisition<T> serve;
    private final PoolTelemetry telemetry;
    private final AuditGate audit;

    /**
     * @param serve how the fallback serves this pipeline's acquisitions: a lease of it, or what its instance hands out
     * @param audit where the fallback is recorded; {@code null} when audit is off
     */
    FallbackStage(Acquisition<T> next, String fallback, Acquisition<T> serve, PoolTelemetry telemetry, AuditGate audit) {
        this.next = next;
        this.fallback = fallback;
        this.serve = serve;
        this.telemetry = telemetry;
        this.audit = audit;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "fallback";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        try {
            return next.acquire(timeout, ctx);
        } catch (Exception down) {
            if (!Fallback.down(down)) {
                throw down;
            }
            T served;
            try {
                served = serve.acquire(timeout, ctx);
            } catch (Exception | Error failed) {
                down.addSuppressed(failed);
                throw down;
            }
            telemetry.fellBack(ctx, fallback, down);
            if (audit != null) {
                try {
                    audit.fellBack(ctx, fallback, (ResourceException) down);
                } catch (RuntimeException auditing) {
                    // the caller was served; an audit sink's failure is the trail's to log (NEBULA-4202)
                }
            }
            return served;
        }
    }
}
