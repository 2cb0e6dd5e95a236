package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * Runs one attempt of an acquisition within the resource's {@code timeout}: the one stage whose machinery (a timer
 * that interrupts the attempt's thread) comes from a fault tolerance library rather than from core. The CDI extension
 * supplies SmallRye Fault Tolerance's; a plain Java user who configures a timeout passes one to
 * {@link WovenPoolBuilder#attemptGuards}. The bulkhead ({@code bulkhead.*}) is core's own ({@link Bulkhead}).
 */
public interface AttemptGuard {

    /** Runs {@code attempt} within the guard; its own refusal is recognised by {@link #timedOut}. */
    <T> T call(Acquisition<T> attempt, Duration timeout, ResourceContext ctx) throws Exception;

    /** Whether {@code error} is this guard's timeout of an attempt. */
    boolean timedOut(Throwable error);

    /** Makes the guard of one pool. */
    @FunctionalInterface
    interface Factory {
        /** The guard of {@code resource}'s pool, for {@code policy}'s timeout (above 0). */
        AttemptGuard guard(String resource, ResiliencePolicy policy);
    }
}
