package io.nebula.resource.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the pool knows about its backend's health from creating instances. After a failed creation
 * the backend counts as failing: nobody creates until the backoff has passed, then exactly one caller
 * (or the housekeeper) wins {@link #tryBeginProbe} and tries once; everybody else is told at once that
 * the backend is unavailable, with its last error. The backoff doubles with each failure, with jitter
 * ("equal jitter": half fixed, half random) so that many pools recovering together do not retry in step.
 *
 * <p>While the backend is wanted — a caller was refused since the last failure, or the pool is below its
 * minimum — the wait is at most {@link #DEMANDED_PROBE_NANOS}: a backend that came back is then found within a
 * second, not after a backoff grown during a long outage. Still one probe at a time, so the backend sees one
 * attempt per second at most from this pool, however many callers there are. A pool nobody asks for keeps the
 * full backoff.
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
    private volatile long lastFailureAt;
    private volatile boolean demanded;

    /** The longest wait between probes while the backend is wanted. */
    static final long DEMANDED_PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);

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
        return Math.max(0, nextAttemptAt() - now);
    }

    /** Someone wants the backend now: a refused caller, or a pool below its minimum. */
    void demanded() {
        if (!demanded) { // read first: under load every refused caller comes here
            demanded = true;
        }
    }

    private long nextAttemptAt() {
        long next = nextAttemptAt;
        if (demanded) {
            long soonest = lastFailureAt + DEMANDED_PROBE_NANOS;
            if (soonest - next < 0) {
                return soonest;
            }
        }
        return next;
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
        lastFailureAt = now;
        demanded = false; // asked afresh after each failed attempt: the callers refused from now on
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

    /**
     * Someone else found the backend answering (another node's probe, through the cluster's gate): not failing any
     * more, as after a success, so callers create at once rather than being refused until the backoff has passed.
     *
     * @return whether the backend had been failing
     */
    boolean answeredElsewhere() {
        return onSuccess();
    }

    /** Whether the caller may probe the backend now; at most one probe runs at a time. */
    boolean tryBeginProbe(long now) {
        return tryBeginProbe(now, false);
    }

    /**
     * @param spaced the caller's probe is spaced by someone else already (the cluster's claim, held by the caller), so
     *               the backoff is not waited out; still one probe at a time
     */
    boolean tryBeginProbe(long now, boolean spaced) {
        return failing && (spaced || now - nextAttemptAt() >= 0) && probing.compareAndSet(false, true);
    }

    /** A probe that could not be started after all. */
    void abandonProbe() {
        probing.set(false);
    }

    /** Shifts the next attempt when the clock went backwards, so recovery is not postponed by the jump. */
    void rebase(long delta) {
        nextAttemptAt -= delta;
        lastFailureAt -= delta;
    }
}
