package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.cdi.resilience.Acquisition;
import io.nebula.resource.cdi.resilience.ResourceGuard;
import io.nebula.resource.cdi.telemetry.PoolTelemetry;

import java.time.Duration;

/**
 * The one place where an acquisition's layers are assembled, outermost first:
 * <pre>
 * tracing → metrics → quarantine → circuit breaker → retry (exponential backoff, jitter, deadline) → timeout → bulkhead → pool
 * </pre>
 * The same chain serves a pool's leases ({@code pool.acquire}) and a JDBC data source's connections
 * ({@code getConnection()}): only the innermost step differs. A layer that is off (no breaker, no retry, no
 * telemetry backend) is not there, or costs one check.
 *
 * <p>The layers down to the retry are one method each of one object rather than one lambda each: on a pool hit
 * (the common case of a JDBC {@code getConnection()}) the whole chain then allocates nothing, reads the clock
 * twice (the acquisition's duration, which the retry's deadline also counts from) and reads the telemetry once.
 */
final class AcquisitionChain<T> implements Acquisition<T> {

    private final PoolWeave weave;
    private final ResourceGuard guard;
    private final Acquisition<T> attempt;

    private AcquisitionChain(PoolWeave weave, Acquisition<T> innermost) {
        this.weave = weave;
        this.guard = weave.guard();
        this.attempt = guard.attempt(innermost);
    }

    static <T> Acquisition<T> assemble(PoolWeave weave, Acquisition<T> innermost) {
        return new AcquisitionChain<>(weave, innermost);
    }

    /** A span {@code nebula.resource.acquire <name>}, child of the current span, current while the layers below run. */
    @Override
    public T acquire(ResourceContext ctx, Duration timeout) throws Exception {
        PoolTelemetry telemetry = weave.telemetry();
        Object span = telemetry.startAcquire(ctx);
        if (span == null) {
            return metered(telemetry, ctx, timeout);
        }
        try {
            T acquired = metered(telemetry, ctx, timeout);
            telemetry.endAcquire(span, null);
            return acquired;
        } catch (Exception | Error e) {
            telemetry.endAcquire(span, e);
            throw e;
        }
    }

    /** Counts the acquisition by outcome and times it, in the pool's window and its telemetry; a failure is also one structured log record and one event. */
    private T metered(PoolTelemetry telemetry, ResourceContext ctx, Duration timeout) throws Exception {
        long start = System.nanoTime();
        try {
            T acquired = guarded(ctx, timeout, start);
            long nanos = System.nanoTime() - start;
            weave.window().record(nanos, false);
            telemetry.acquired(ctx, nanos, null);
            return acquired;
        } catch (Exception e) {
            long nanos = System.nanoTime() - start;
            weave.window().record(nanos, true);
            telemetry.acquired(ctx, nanos, e);
            weave.failed(ctx, nanos, e);
            throw e;
        }
    }

    /** A quarantined pool refuses at once, before the breaker: a refusal says nothing new about the backend. */
    private T guarded(ResourceContext ctx, Duration timeout, long start) throws Exception {
        if (weave.quarantine().active()) {
            throw weave.quarantine().refusal();
        }
        return guard.acquire(attempt, ctx, timeout, start);
    }

    /** Runs a lease chain, whose steps throw only unchecked exceptions, for callers that declare none. */
    static <T> T run(String resource, Acquisition<T> chain, ResourceContext ctx, Duration timeout) {
        try {
            return chain.acquire(ctx, timeout);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ResourceException(resource, "NEBULA-3003 Acquisition of '" + resource + "' failed with " + e.getClass().getName(), e);
        }
    }
}
