package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * A quarantined pool refuses at once, before the circuit breaker: a refusal says nothing new about the backend.
 * In the pipeline only when {@code health.quarantine-after} is above 0.
 */
final class QuarantineStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final Quarantine quarantine;

    QuarantineStage(Acquisition<T> next, Quarantine quarantine) {
        this.next = next;
        this.quarantine = quarantine;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "quarantine";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        if (quarantine.active()) {
            throw quarantine.refusal();
        }
        return next.acquire(timeout, ctx);
    }
}
