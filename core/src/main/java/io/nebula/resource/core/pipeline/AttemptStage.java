package io.nebula.resource.core.pipeline;

import io.nebula.resource.AttemptTimeoutException;
import io.nebula.resource.BulkheadFullException;
import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * Each attempt (the first and every retry) within the timeout and the bulkhead, through an {@link AttemptGuard}.
 * Its refusals become {@link AttemptTimeoutException} (retried, counted by the breaker) and
 * {@link BulkheadFullException} (neither), each naming its key. In the pipeline only when {@code timeout} or
 * {@code bulkhead.max-concurrent} is set.
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
            if (guard.rejected(e)) {
                throw new BulkheadFullException(resource, "NEBULA-3002 Could not acquire '" + resource + "': "
                        + policy.maxConcurrent() + " acquisitions are under way and " + policy.queue()
                        + " waiting (nebula.resource." + resource + "." + ResiliencePolicy.BULKHEAD_MAX + ", ."
                        + ResiliencePolicy.BULKHEAD_QUEUE + ")", e);
            }
            throw e;
        }
    }
}
