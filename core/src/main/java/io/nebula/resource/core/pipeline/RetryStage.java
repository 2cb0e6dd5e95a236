package io.nebula.resource.core.pipeline;

import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Ticker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Retries a failed acquisition ({@code retry.*}), with SmallRye Fault Tolerance 6.11's semantics, which it
 * replaces on this path (see {@link CircuitBreakerStage} for why):
 * <ul>
 *   <li>an attempt that failed with an error {@link Failures#retryable} refuses is not retried, nor one that
 *       failed with {@link InterruptedException}; a thread interrupted during an attempt gets an
 *       {@code InterruptedException} instead of a retry;</li>
 *   <li>at most {@code max-retries} retries, none started once {@code max-duration} has passed since the first
 *       attempt began (checked before the wait and again after it);</li>
 *   <li>the acquisition's budget — the caller's timeout, or {@code pool.acquire-timeout} — bounds the whole call,
 *       retries and waits included: a wait that would end past it is not begun, and each retry may take only
 *       what is left of it. SmallRye gave every attempt the full timeout, so a call with three retries could
 *       last four timeouts and its backoff;</li>
 *   <li>the caller's {@link Deadline}, when it ends before that budget, bounds it the same way; a retry that no
 *       longer fits before it fails the call with {@code DEADLINE_EXCEEDED}, the last attempt's error its cause (the
 *       breaker judges it by that cause). Its start is read on the precise clock then, since the deadline is;</li>
 *   <li>exponential backoff: the first wait is {@code delay} plus jitter, each later one twice the previous
 *       (without its jitter) plus jitter, every one at most {@code max-delay} (the first too, unlike SmallRye);
 *       jitter is uniform in {@code [-jitter, +jitter]} milliseconds, and a wait below zero is none;</li>
 *   <li>when no retry is left, the caller gets the last attempt's error;</li>
 *   <li>an acquisition that begins while acquisitions know the backend to be down (the pool is {@code FAILED}
 *       because an earlier acquisition spent its retries and failed, or the circuit opened, and nothing has
 *       answered since: {@link AcquisitionHealth#backendDown}) makes its one attempt and is not retried: the caller
 *       gets that attempt's error at once. Retrying is for a blip; once another caller has waited out the whole
 *       backoff and still failed, each caller waiting it out again only delays its answer (by 1.4 s with the
 *       defaults) while telling nothing new. The one attempt still reaches the backend where the pool does not
 *       answer for it (a data source's {@code getConnection()}), and the engine's own probe finds it back where
 *       the pool does. Read once per acquisition, before its first attempt: an acquisition that began while the
 *       pool was ready keeps its retries even if it is its own failure that moves the pool.</li>
 * </ul>
 * A first attempt that succeeds costs one read of the hit clock (the deadline's start) and no retry state.
 * One difference from SmallRye, on purpose: SmallRye failed an attempt that <em>succeeded</em> on an interrupted
 * thread with {@code InterruptedException}, dropping what it acquired (a connection nobody would close). Here
 * the acquisition is returned and the thread stays interrupted.
 */
final class RetryStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final String resource;
    private final long maxRetries;
    private final long delayMillis;
    private final long maxDelayMillis;
    private final long jitterMillis;
    private final long maxDurationNanos;
    private final Predicate<Throwable> retryable;
    private final BooleanSupplier backendDown;
    private final Ticker hitClock;
    private final Ticker ticker;
    private final Duration poolTimeout;
    private final Waiting waiting;

    /**
     * @param backendDown whether acquisitions know the backend to be down now, read once per acquisition before
     *                    its first attempt
     * @param hitClock read once per acquisition, for when it began: coarse, and on the same time base as {@code ticker}
     * @param ticker   the precise clock of the deadline checks, read only once an attempt failed
     * @param poolTimeout the budget of an acquisition that names no timeout: the pool's {@code pool.acquire-timeout}
     */
    RetryStage(Acquisition<T> next, String resource, ResiliencePolicy policy, Predicate<Throwable> retryable,
               BooleanSupplier backendDown, Ticker hitClock, Ticker ticker, Duration poolTimeout) {
        this(next, resource, policy, retryable, backendDown, hitClock, ticker, poolTimeout, Waiting.REAL);
    }

    /** With the jitter's draw and the sleep given: a test's seeded random and fake clock. */
    RetryStage(Acquisition<T> next, String resource, ResiliencePolicy policy, Predicate<Throwable> retryable,
               BooleanSupplier backendDown, Ticker hitClock, Ticker ticker, Duration poolTimeout, Waiting waiting) {
        this.next = next;
        this.resource = resource;
        this.maxRetries = policy.maxRetries();
        this.delayMillis = policy.delay().toMillis();
        this.maxDelayMillis = policy.maxDelay().toMillis() <= 0 ? Long.MAX_VALUE : policy.maxDelay().toMillis();
        this.jitterMillis = policy.jitter().toMillis();
        this.maxDurationNanos = policy.maxDuration().toMillis() <= 0 ? Long.MAX_VALUE
                : Duration.ofMillis(policy.maxDuration().toMillis()).toNanos();
        this.retryable = retryable;
        this.backendDown = backendDown;
        this.hitClock = hitClock;
        this.ticker = ticker;
        this.poolTimeout = poolTimeout;
        this.waiting = waiting;
    }

    /** Where the waits between attempts come from: the jitter's random draw, and the sleep that spends a wait. */
    interface Waiting {

        /** Uniform draws in {@code [-jitter, +jitter]} and {@link Thread#sleep}. */
        Waiting REAL = new Waiting() {
            @Override
            public long jitter(long bound) {
                return ThreadLocalRandom.current().nextLong(-bound, bound + 1);
            }

            @Override
            public void sleep(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }
        };

        /** A whole number of milliseconds drawn uniformly in {@code [-bound, +bound]}, {@code bound} above zero. */
        long jitter(long bound);

        void sleep(long millis) throws InterruptedException;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "retry";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        long start = ctx.deadline() == null ? hitClock.nanoTime() : ticker.nanoTime();
        boolean knownDown = backendDown.getAsBoolean();
        try {
            return next.acquire(timeout, ctx);
        } catch (Throwable first) {
            if (knownDown) {
                throw Stages.rethrow(first);
            }
            return retry(first, start, timeout, ctx);
        }
    }

    private T retry(Throwable first, long startNanos, Duration timeout, ResourceContext ctx) throws Exception {
        Throwable last = first;
        long lastDelay = 0; // the last wait without its jitter: delay, then twice the previous one
        long budgetNanos = Math.min(maxDurationNanos, (timeout != null ? timeout : poolTimeout).toNanos());
        Deadline deadline = ctx.deadline();
        boolean deadlineFirst = deadline != null && deadline.remainingNanos(startNanos) <= budgetNanos;
        if (deadlineFirst) {
            budgetNanos = deadline.remainingNanos(startNanos);
        }
        for (long retries = 1; ; retries++) {
            if (last instanceof InterruptedException) {
                throw (InterruptedException) last;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (!retryable.test(last) || retries > maxRetries) {
                throw Stages.rethrow(last);
            }
            if (left(startNanos, budgetNanos) <= 0) {
                throw outOfBudget(last, deadlineFirst, deadline);
            }
            // SmallRye's ExponentialBackOff caps every wait but the first, so delay + jitter could pass max-delay
            // (with retry.delay = retry.max-delay, which is allowed, any jitter did), and doubles without bound, which
            // wrapped to zero and below past 62 retries (RetryBackoffTest): here the doubling saturates, far past any
            // max-delay, and every wait is capped
            lastDelay = retries == 1 ? delayMillis : lastDelay > Long.MAX_VALUE / 4 ? lastDelay : lastDelay * 2;
            long wait = Math.max(0, Math.min(maxDelayMillis, lastDelay + jitter()));
            if (TimeUnit.MILLISECONDS.toNanos(wait) >= left(startNanos, budgetNanos)) {
                // the retry could not begin within the budget: fail now, not after the wait
                throw outOfBudget(last, deadlineFirst, deadline);
            }
            if (wait > 0) {
                waiting.sleep(wait);
            }
            long left = left(startNanos, budgetNanos);
            if (left <= 0) {
                throw outOfBudget(last, deadlineFirst, deadline);
            }
            try {
                return next.acquire(Duration.ofNanos(left), ctx);
            } catch (Throwable e) {
                last = e;
            }
        }
    }

    /** The failure of a call whose budget left no room for another retry: the deadline's, when it was the nearer. */
    private Exception outOfBudget(Throwable last, boolean deadlineFirst, Deadline deadline) {
        if (deadlineFirst && last instanceof Exception) {
            return DeadlineStage.exceeded(resource, deadline, deadline.remainingNanos(ticker.nanoTime()), last);
        }
        return Stages.rethrow(last);
    }

    /** What is left of the acquisition's budget, read on the precise clock. */
    private long left(long startNanos, long budgetNanos) {
        return budgetNanos - (ticker.nanoTime() - startNanos);
    }

    private long jitter() {
        return jitterMillis == 0 ? 0 : waiting.jitter(jitterMillis);
    }
}
