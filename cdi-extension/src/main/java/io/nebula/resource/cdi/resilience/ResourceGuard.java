package io.nebula.resource.cdi.resilience;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.ResourceContext;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * The fault tolerance of one pool (a resource's shared pool, or one tenant's): its own circuit breaker, and
 * the retry, timeout and bulkhead its attempts go through, each a SmallRye {@link Guard} built from the
 * resource's {@link ResiliencePolicy}. Two guards rather than one because the breaker sits outside the retry:
 * it judges whole acquisitions (after their retries), and while it is open an acquisition fails at once
 * instead of being retried. Inside one SmallRye guard the order is retry → timeout → bulkhead.
 */
public final class ResourceGuard {

    private final String resource;
    private final ResiliencePolicy policy;
    private final Guard breaker;
    private final Guard attempts;
    private final CircuitState circuit;
    private final Failures failures;

    /**
     * @param failures what the retry retries and the breaker counts
     * @param circuit  told of the breaker's state changes; {@code null} when the breaker is off
     */
    public ResourceGuard(String resource, ResiliencePolicy policy, Failures failures, CircuitState circuit) {
        this.resource = resource;
        this.policy = policy;
        this.circuit = policy.circuitBreaker() ? circuit : null;
        this.failures = failures;
        this.breaker = policy.circuitBreaker() ? breaker(policy, failures, circuit) : null;
        this.attempts = policy.guardsAttempts() ? attempts(resource, policy, failures) : null;
    }

    private static Guard breaker(ResiliencePolicy p, Failures failures, CircuitState circuit) {
        return FaultToleranceLibrary.guard()
                .withDescription("nebula-resource circuit breaker")
                .withCircuitBreaker()
                    .requestVolumeThreshold(p.requestVolume())
                    .failureRatio(p.failureRatio())
                    .delay(p.circuitDelay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(p.successThreshold())
                    .when(failures::countsAgainstCircuit)
                    .onStateChange(circuit::changed)
                    .done()
                .build();
    }

    private static Guard attempts(String resource, ResiliencePolicy p, Failures failures) {
        Guard.Builder b = FaultToleranceLibrary.guard().withDescription("nebula-resource attempts of " + resource);
        if (p.maxRetries() > 0) {
            b.withRetry()
                    .maxRetries(p.maxRetries())
                    .delay(p.delay().toMillis(), ChronoUnit.MILLIS)
                    .jitter(p.jitter().toMillis(), ChronoUnit.MILLIS)
                    .maxDuration(p.maxDuration().toMillis(), ChronoUnit.MILLIS)
                    .whenException(failures::retryable)
                    .withExponentialBackoff()
                        .factor(2)
                        .maxDelay(p.maxDelay().toMillis(), ChronoUnit.MILLIS)
                        .done()
                    .done();
        }
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

    /** The circuit breaker around {@code next}; {@code next} itself when the breaker is off. */
    public <T> Acquisition<T> circuitBreaker(Acquisition<T> next) {
        if (breaker == null) {
            return next;
        }
        return (ctx, timeout) -> {
            try {
                return call(breaker, next, ctx, timeout);
            } catch (CircuitBreakerOpenException e) {
                throw circuit.refusal(e);
            } catch (Exception e) {
                if (failures.countsAgainstCircuit(e)) {
                    circuit.failed(e);
                }
                throw e;
            }
        };
    }

    /**
     * Retry (exponential backoff with jitter, up to a deadline) → timeout → bulkhead around {@code next};
     * {@code next} itself when all three are off.
     */
    public <T> Acquisition<T> retryTimeoutBulkhead(Acquisition<T> next) {
        if (attempts == null) {
            return next;
        }
        return (ctx, timeout) -> {
            try {
                return call(attempts, next, ctx, timeout);
            } catch (TimeoutException e) {
                throw new AcquisitionTimeoutException(resource, AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE, 0,
                        "NEBULA-3001 Could not acquire '" + resource + "': an attempt took longer than "
                                + millis(policy.timeout()) + " (nebula.resource." + resource + "." + ResiliencePolicy.TIMEOUT
                                + ")", e);
            } catch (BulkheadException e) {
                throw new AcquisitionTimeoutException(resource, AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 0,
                        "NEBULA-3002 Could not acquire '" + resource + "': " + policy.maxConcurrent()
                                + " acquisitions are under way and " + policy.queue() + " waiting (nebula.resource."
                                + resource + "." + ResiliencePolicy.BULKHEAD_MAX + ", ." + ResiliencePolicy.BULKHEAD_QUEUE + ")", e);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> T call(Guard guard, Acquisition<T> next, ResourceContext ctx, Duration timeout) throws Exception {
        Callable<Object> attempt = () -> next.acquire(ctx, timeout);
        return (T) guard.call(attempt, Object.class);
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
