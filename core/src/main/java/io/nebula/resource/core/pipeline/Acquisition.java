package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * One stage of an acquisition: the pool's own {@code acquire}, a provider's hand-out (a JDBC
 * {@code getConnection()}), or a stage (tenant admission, audit, tracing, metering, quarantine, circuit breaker,
 * retry, attempt guard)
 * around the next one. Stages are decorators with the delegate first, assembled in one place:
 * {@link AcquisitionPipeline#assemble}.
 *
 * @param <T> what is acquired: a lease, a connection
 */
@FunctionalInterface
public interface Acquisition<T> {

    /**
     * @param timeout how long the pool may wait for an instance; {@code null} for its {@code pool.acquire-timeout}
     * @param ctx     who acquires: tenant, workflow, execution, action
     */
    T acquire(Duration timeout, ResourceContext ctx) throws Exception;
}
