package io.nebula.resource.core.pipeline;

import io.nebula.resource.BulkheadFullException;
import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * Each attempt (the first and every retry) within the pool's {@link Bulkhead} ({@code bulkhead.max-concurrent},
 * {@code bulkhead.queue}). A full bulkhead refuses with {@link BulkheadFullException} ({@code POOL_EXHAUSTED}:
 * neither retried nor counted by the breaker), naming both keys and the limits in force. Inside the attempt guard,
 * as SmallRye's bulkhead was inside its timeout: the time a caller waits in the queue counts against the attempt's
 * {@code timeout}, whose interrupt ends the wait. In the pipeline only with {@code bulkhead.max-concurrent} above 0;
 * the pool's one bulkhead outlives every assembly, so a change of its limits never loses count of the attempts under
 * way.
 */
final class BulkheadStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final Bulkhead bulkhead;
    private final String resource;

    BulkheadStage(Acquisition<T> next, Bulkhead bulkhead, String resource) {
        this.next = next;
        this.bulkhead = bulkhead;
        this.resource = resource;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "bulkhead";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        if (!bulkhead.enter()) {
            Bulkhead.Limits limits = bulkhead.limits();
            throw new BulkheadFullException(resource, "NEBULA-3002 Could not acquire '" + resource + "': "
                    + limits.maxConcurrent() + " acquisitions are under way and " + limits.queue()
                    + " waiting (nebula.resource." + resource + "." + ResiliencePolicy.BULKHEAD_MAX + ", ."
                    + ResiliencePolicy.BULKHEAD_QUEUE + ")", null);
        }
        try {
            return next.acquire(timeout, ctx);
        } finally {
            bulkhead.leave();
        }
    }
}
