package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * Runs one attempt of an acquisition within the resource's {@code timeout} and {@code bulkhead.*}: the one stage
 * whose machinery (a timer that interrupts, a queue of waiting callers) comes from a fault tolerance library
 * rather than from core. The CDI extension supplies SmallRye Fault Tolerance's; a plain Java user who configures
 * a timeout or a bulkhead passes one to {@link WovenPool.Builder#attemptGuards}.
 */
public interface AttemptGuard {

    /** Runs {@code attempt} within the guard; its own refusals are recognised by {@link #timedOut} and {@link #rejected}. */
    <T> T call(Acquisition<T> attempt, Duration timeout, ResourceContext ctx) throws Exception;

    /** Whether {@code error} is this guard's timeout of an attempt. */
    boolean timedOut(Throwable error);

    /** Whether {@code error} is this guard's refusal: the bulkhead and its queue are full. */
    boolean rejected(Throwable error);

    /** Makes the guard of one pool. */
    @FunctionalInterface
    interface Factory {
        /** The guard of {@code resource}'s pool, for {@code policy}'s timeout and bulkhead (at least one of them set). */
        AttemptGuard guard(String resource, ResiliencePolicy policy);
    }
}
