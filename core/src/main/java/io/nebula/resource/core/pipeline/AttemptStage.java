package io.nebula.resource.core.pipeline;

import io.nebula.resource.AttemptTimeoutException;
import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * Each attempt (the first and every retry) within the timeout, through an {@link AttemptGuard}. Its refusal becomes
 * {@link AttemptTimeoutException} (retried, counted by the breaker), naming the key. In the pipeline only when
 * {@code timeout} is set; the bulkhead is core's own {@link BulkheadStage}, inside this one.
 */
final class AttemptStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final AttemptGuard guard;
    private final String resource;
    private final ResiliencePolicy policy;

    AttemptStage(Acquisition<T> next, AttemptGuard guard, String resource, ResiliencePolicy policy) {
        this.next = next;
        this.guard = guard;
        this.resource = resource;
        this.policy = policy;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "attempt guard";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        try {
            return guard.call(next, timeout, ctx);
        } catch (Exception e) {
            if (guard.timedOut(e)) {
                throw new AttemptTimeoutException(resource, "NEBULA-3001 Could not acquire '" + resource
                        + "': an attempt took longer than " + policy.timeout().toMillis() + " ms (nebula.resource."
                        + resource + "." + ResiliencePolicy.TIMEOUT + ")", e);
            }
            throw e;
        }
    }
}
