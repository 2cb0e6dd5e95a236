package io.nebula.resource.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the pool knows about its backend's health from creating instances. After a failed creation
 * the backend counts as failing: nobody creates until the backoff has passed, then exactly one caller
 * (or the housekeeper) wins {@link #tryBeginProbe} and tries once; everybody else is told at once that
 * the backend is unavailable, with its last error. The backoff doubles with each failure, with jitter
 * ("equal jitter": half fixed, half random) so that many pools recovering together do not retry in step.
 */
final class Recovery {

    private final long initialNanos;
    private final long maxNanos;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean failing;
    private volatile long nextAttemptAt;
    private volatile Throwable lastError;
    private volatile boolean lastRetryable = true;

    Recovery(long initialNanos, long maxNanos) {
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
    }

    boolean failing() {
        return failing;
    }

    Throwable lastError() {
        return lastError;
    }

    /** Whether the provider said that retrying could fix the last error. */
    boolean lastRetryable() {
        return lastRetryable;
    }

    int failures() {
        return failures.get();
    }

    long nanosUntilNextAttempt(long now) {
        return Math.max(0, nextAttemptAt - now);
    }

    /**
     * Records a failed creation.
     *
     * @return the backoff before the next attempt
     */
    long onFailure(Throwable error, boolean retryable, long now) {
        int n = failures.incrementAndGet();
        long base = initialNanos << Math.min(n - 1, 30);
        if (base <= 0 || base > maxNanos) {
            base = maxNanos;
        }
        long backoff = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        lastError = error;
        lastRetryable = retryable;
        nextAttemptAt = now + backoff;
        failing = true;
        probing.set(false);
        return backoff;
    }

    /** Records a successful creation. @return whether the backend had been failing */
    boolean onSuccess() {
        boolean was = failing;
        if (was) {
            failing = false;
            failures.set(0);
            probing.set(false);
        }
        return was;
    }

    /** Whether the caller may probe the backend now; at most one probe runs at a time. */
    boolean tryBeginProbe(long now) {
        return failing && now - nextAttemptAt >= 0 && probing.compareAndSet(false, true);
    }

    /** A probe that could not be started after all. */
    void abandonProbe() {
        probing.set(false);
    }

    /** Shifts the next attempt when the clock went backwards, so recovery is not postponed by the jump. */
    void rebase(long delta) {
        nextAttemptAt -= delta;
    }
}
