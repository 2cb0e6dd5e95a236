package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.cdi.resilience.Acquisition;
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
 */
final class AcquisitionChain {

    private AcquisitionChain() {
    }

    static <T> Acquisition<T> assemble(PoolWeave weave, Acquisition<T> innermost) {
        return traced(weave,
                metered(weave,
                quarantined(weave,
                weave.guard().circuitBreaker(
                weave.guard().retryTimeoutBulkhead(
                innermost)))));
    }

    /** A span {@code nebula.resource.acquire <name>}, child of the current span, current while the layers below run. */
    private static <T> Acquisition<T> traced(PoolWeave weave, Acquisition<T> next) {
        return (ctx, timeout) -> {
            PoolTelemetry telemetry = weave.telemetry();
            Object span = telemetry.startAcquire(ctx);
            if (span == null) {
                return next.acquire(ctx, timeout);
            }
            try {
                T acquired = next.acquire(ctx, timeout);
                telemetry.endAcquire(span, null);
                return acquired;
            } catch (Exception | Error e) {
                telemetry.endAcquire(span, e);
                throw e;
            }
        };
    }

    /** Counts the acquisition by outcome and times it, in the pool's window and its telemetry; a failure is also one structured log record and one event. */
    private static <T> Acquisition<T> metered(PoolWeave weave, Acquisition<T> next) {
        return (ctx, timeout) -> {
            PoolTelemetry telemetry = weave.telemetry();
            long start = System.nanoTime();
            try {
                T acquired = next.acquire(ctx, timeout);
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
        };
    }

    /** A quarantined pool refuses at once, before the breaker: a refusal says nothing new about the backend. */
    private static <T> Acquisition<T> quarantined(PoolWeave weave, Acquisition<T> next) {
        return (ctx, timeout) -> {
            if (weave.quarantine().active()) {
                throw weave.quarantine().refusal();
            }
            return next.acquire(ctx, timeout);
        };
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
