package io.nebula.resource.cdi.resilience;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.ResourceContext;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * The fault tolerance of one pool (a resource's shared pool, or one tenant's): its own circuit breaker around
 * the retry (the breaker judges whole acquisitions, after their retries, and while it is open an acquisition
 * fails at once instead of being retried), and around each attempt the timeout and bulkhead.
 *
 * <p><b>Why the breaker and the retry are written here and not SmallRye's.</b> Nearly every acquisition
 * succeeds at once from a closed circuit. Through SmallRye Fault Tolerance such a call builds its
 * asynchronous machinery (contexts, futures, a retry state, lambdas: 1.6 kB and most of the time of a
 * JDBC {@code getConnection()} from a warm pool), and its breaker records every success under a lock. Keeping
 * SmallRye and counting only the fast path's successes ourselves is not possible: its breaker takes outcomes
 * only from calls that run through it, so successes kept away from it would leave its rolling window judging
 * failures alone, and the circuit would open on the first few. Hence a breaker ({@link CircuitBreaker}) and a
 * retry ({@link Retry}) of our own with SmallRye's semantics, for which the common case costs a volatile read:
 * the first attempt runs directly, the retry's state exists only once it has failed, and a success in a
 * closed circuit whose window holds no failure records nothing. Timeout and bulkhead, when configured, stay
 * SmallRye's (a guard per attempt): they are off by default, and a timeout needs SmallRye's timer anyway.
 *
 * <p>One difference from SmallRye, on purpose: with a retry configured, SmallRye failed an attempt that
 * <em>succeeded</em> on an interrupted thread with {@code InterruptedException}, dropping what it acquired
 * (a connection nobody would close). Here the acquisition is returned and the thread stays interrupted.
 */
public final class ResourceGuard {

    private final String resource;
    private final ResiliencePolicy policy;
    private final CircuitState circuit;
    private final Failures failures;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Guard attempts;

    /**
     * @param failures what the retry retries and the breaker counts
     * @param circuit  told of the breaker's state changes; {@code null} when the breaker is off
     */
    public ResourceGuard(String resource, ResiliencePolicy policy, Failures failures, CircuitState circuit) {
        this(resource, policy, failures, circuit, System::nanoTime);
    }

    /** @param nanoTime the clock of the breaker's delay and the retry's deadline: {@link System#nanoTime} but in tests */
    ResourceGuard(String resource, ResiliencePolicy policy, Failures failures, CircuitState circuit, LongSupplier nanoTime) {
        this.resource = resource;
        this.policy = policy;
        this.circuit = policy.circuitBreaker() ? circuit : null;
        this.failures = failures;
        this.breaker = policy.circuitBreaker() ? new CircuitBreaker(policy, failures::countsAgainstCircuit, circuit, nanoTime) : null;
        this.retry = policy.maxRetries() > 0 ? new Retry(policy, failures::retryable, nanoTime) : null;
        this.attempts = !policy.timeout().isZero() || policy.maxConcurrent() > 0 ? attempts(resource, policy) : null;
    }

    private static Guard attempts(String resource, ResiliencePolicy p) {
        Guard.Builder b = FaultToleranceLibrary.guard().withDescription("nebula-resource attempts of " + resource);
        if (!p.timeout().isZero()) {
            b.withTimeout().duration(p.timeout().toMillis(), ChronoUnit.MILLIS).done();
        }
        if (p.maxConcurrent() > 0) {
            Guard.Builder.BulkheadBuilder bulkhead = b.withBulkhead().limit(p.maxConcurrent());
            if (p.queue() > 0) {
                bulkhead.queueSize(p.queue()).enableSynchronousQueueing();
            }
            bulkhead.done();
        }
        return b.build();
    }

    public ResiliencePolicy policy() {
        return policy;
    }

    /** The circuit's state, or {@code null} when the breaker is off. */
    public CircuitState circuit() {
        return circuit;
    }

    /**
     * One attempt: {@code next} within the timeout and the bulkhead when either is configured (a SmallRye
     * guard), else {@code next} itself. Made once per chain; {@link #acquire} retries it.
     */
    public <T> Acquisition<T> attempt(Acquisition<T> next) {
        if (attempts == null) {
            return next;
        }
        Guard guard = attempts;
        return (ctx, timeout) -> call(guard, next, ctx, timeout);
    }

    @SuppressWarnings("unchecked")
    private static <T> T call(Guard guard, Acquisition<T> next, ResourceContext ctx, Duration timeout) throws Exception {
        Callable<Object> attempt = () -> next.acquire(ctx, timeout);
        return (T) guard.call(attempt, Object.class);
    }

    /**
     * Acquires through the circuit breaker and the retry: {@code attempt} (from {@link #attempt}) once, and
     * again as the retry says if it fails.
     *
     * @param startNanos when the acquisition began ({@link System#nanoTime}): {@code retry.max-duration} counts from it
     */
    public <T> T acquire(Acquisition<T> attempt, ResourceContext ctx, Duration timeout, long startNanos) throws Exception {
        CircuitBreaker b = breaker;
        if (b == null) {
            return retried(attempt, ctx, timeout, startNanos);
        }
        CircuitBreaker.Phase phase = b.current();
        if (!CircuitBreaker.isClosed(phase)) {
            try {
                phase = b.admit(phase);
            } catch (CircuitBreakerOpenException e) {
                throw circuit.refusal(e);
            }
        }
        T acquired;
        try {
            acquired = retried(attempt, ctx, timeout, startNanos);
        } catch (Throwable e) {
            b.failed(phase, e);
            if (e instanceof Exception && failures.countsAgainstCircuit(e)) {
                circuit.failed(e);
            }
            throw rethrow(e);
        }
        b.succeeded(phase);
        return acquired;
    }

    private <T> T retried(Acquisition<T> attempt, ResourceContext ctx, Duration timeout, long startNanos) throws Exception {
        try {
            return attempt.acquire(ctx, timeout);
        } catch (Throwable first) {
            try {
                if (retry == null) {
                    throw rethrow(first);
                }
                return retry.after(first, startNanos, attempt, ctx, timeout);
            } catch (TimeoutException e) {
                if (attempts == null) {
                    throw e;
                }
                throw new AcquisitionTimeoutException(resource, AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE, 0,
                        "NEBULA-3001 Could not acquire '" + resource + "': an attempt took longer than "
                                + millis(policy.timeout()) + " (nebula.resource." + resource + "." + ResiliencePolicy.TIMEOUT
                                + ")", e);
            } catch (BulkheadException e) {
                if (attempts == null) {
                    throw e;
                }
                throw new AcquisitionTimeoutException(resource, AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 0,
                        "NEBULA-3002 Could not acquire '" + resource + "': " + policy.maxConcurrent()
                                + " acquisitions are under way and " + policy.queue() + " waiting (nebula.resource."
                                + resource + "." + ResiliencePolicy.BULKHEAD_MAX + ", ." + ResiliencePolicy.BULKHEAD_QUEUE + ")", e);
            }
        }
    }

    /** {@code error} as what an acquisition may throw: an exception or an error, unchanged. */
    static Exception rethrow(Throwable error) {
        if (error instanceof Exception e) {
            return e;
        }
        if (error instanceof Error e) {
            throw e;
        }
        return new UndeclaredThrowableException(error);
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
