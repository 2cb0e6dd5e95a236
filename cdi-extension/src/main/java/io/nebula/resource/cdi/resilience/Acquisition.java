package io.nebula.resource.cdi.resilience;

import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * One layer of an acquisition: the pool's own {@code acquire}, a JDBC {@code getConnection()}, or a layer
 * (tracing, metrics, quarantine, circuit breaker, retry, timeout, bulkhead) around the next one. Layers are
 * decorators with the delegate first, assembled in one place ({@code io.nebula.resource.cdi.AcquisitionChain}).
 *
 * @param <T> what is acquired: a lease, a connection
 */
@FunctionalInterface
public interface Acquisition<T> {

    /**
     * @param ctx     who acquires: tenant, workflow, execution, action
     * @param timeout how long the pool may wait for an instance; {@code null} for its {@code pool.acquire-timeout}
     */
    T acquire(ResourceContext ctx, Duration timeout) throws Exception;
}
