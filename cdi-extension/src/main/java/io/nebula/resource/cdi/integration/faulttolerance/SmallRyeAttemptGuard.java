package io.nebula.resource.cdi.integration.faulttolerance;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.pipeline.Acquisition;
import io.nebula.resource.core.pipeline.AttemptGuard;
import io.nebula.resource.core.pipeline.ResiliencePolicy;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * The timeout of one pool's attempts, as a SmallRye Fault Tolerance guard: its timer interrupts an attempt that runs
 * too long. Off by default (no {@code timeout}), so most pools never build one. The bulkhead is core's own
 * ({@code BulkheadStage}), which an operator can resize without losing count of the attempts under way.
 */
public final class SmallRyeAttemptGuard implements AttemptGuard {

    private final Guard guard;

    public SmallRyeAttemptGuard(String resource, ResiliencePolicy policy) {
        Guard.Builder b = FaultToleranceLibrary.guard().withDescription("nebula-resource attempts of " + resource);
        b.withTimeout().duration(policy.timeout().toMillis(), ChronoUnit.MILLIS).done(); // made only for a timeout
        this.guard = b.build();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T call(Acquisition<T> attempt, Duration timeout, ResourceContext ctx) throws Exception {
        Callable<Object> call = () -> attempt.acquire(timeout, ctx);
        return (T) guard.call(call, Object.class);
    }

    @Override
    public boolean timedOut(Throwable error) {
        return error instanceof TimeoutException;
    }
}
