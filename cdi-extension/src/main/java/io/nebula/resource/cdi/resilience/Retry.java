package io.nebula.resource.cdi.resilience;

import io.nebula.resource.ResourceContext;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The retries of one pool's acquisitions, entered only once a first attempt has failed: a first attempt that
 * succeeds needs no retry state, so it has none (see {@link ResourceGuard}). Written for the synchronous path
 * with SmallRye Fault Tolerance 6.11's semantics, which it replaces here:
 * <ul>
 *   <li>an attempt that failed with an error {@link Failures#retryable} refuses is not retried, nor one that
 *       failed with {@link InterruptedException}; a thread interrupted during an attempt gets an
 *       {@code InterruptedException} instead of a retry;</li>
 *   <li>at most {@code max-retries} retries, none started once {@code max-duration} has passed since the first
 *       attempt began (checked before the wait and again after it);</li>
 *   <li>exponential backoff: the first wait is {@code delay} plus jitter, each later one twice the previous
 *       (without its jitter) plus jitter, at most {@code max-delay}; jitter is uniform in
 *       {@code [-jitter, +jitter]} milliseconds, and a wait below zero is none;</li>
 *   <li>when no retry is left, the caller gets the last attempt's error.</li>
 * </ul>
 */
final class Retry {

    private final long maxRetries;
    private final long delayMillis;
    private final long maxDelayMillis;
    private final long jitterMillis;
    private final long maxDurationNanos;
    private final Predicate<Throwable> retryable;
    private final LongSupplier nanoTime;

    Retry(ResiliencePolicy policy, Predicate<Throwable> retryable, LongSupplier nanoTime) {
        this.maxRetries = policy.maxRetries();
        this.delayMillis = policy.delay().toMillis();
        this.maxDelayMillis = policy.maxDelay().toMillis() <= 0 ? Long.MAX_VALUE : policy.maxDelay().toMillis();
        this.jitterMillis = policy.jitter().toMillis();
        this.maxDurationNanos = policy.maxDuration().toMillis() <= 0 ? Long.MAX_VALUE
                : Duration.ofMillis(policy.maxDuration().toMillis()).toNanos();
        this.retryable = retryable;
        this.nanoTime = nanoTime;
    }

    /**
     * Retries after the first attempt, begun at {@code startNanos}, failed with {@code first}.
     *
     * @return what a retry acquired
     * @throws Exception the last attempt's error, or {@link InterruptedException}
     */
    <T> T after(Throwable first, long startNanos, Acquisition<T> attempt, ResourceContext ctx, Duration timeout)
            throws Exception {
        Throwable last = first;
        long lastDelay = 0;
        for (long retries = 1; ; retries++) {
            if (last instanceof InterruptedException) {
                throw (InterruptedException) last;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (!retryable.test(last) || retries > maxRetries || expired(startNanos)) {
                throw ResourceGuard.rethrow(last);
            }
            long wait;
            if (lastDelay == 0) {
                lastDelay = delayMillis;
                wait = lastDelay + jitter();
            } else {
                lastDelay = lastDelay * 2;
                wait = Math.max(0, Math.min(maxDelayMillis, lastDelay + jitter()));
            }
            if (wait > 0) {
                Thread.sleep(wait);
            }
            if (expired(startNanos)) {
                throw ResourceGuard.rethrow(last);
            }
            try {
                return attempt.acquire(ctx, timeout);
            } catch (Throwable e) {
                last = e;
            }
        }
    }

    private boolean expired(long startNanos) {
        return nanoTime.getAsLong() - startNanos >= maxDurationNanos;
    }

    private long jitter() {
        return jitterMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitterMillis, jitterMillis + 1);
    }
}
