package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * The pool's circuit breaker ({@code circuit-breaker.*}) around the retry: it judges whole acquisitions, after
 * their retries, and while it is open an acquisition fails at once with {@code CircuitOpenException}, whose cause
 * is the last backend error, instead of being retried.
 *
 * <p><b>Why the breaker and the retry are Nebula's own and not SmallRye Fault Tolerance's.</b> Nearly every
 * acquisition succeeds at once from a closed circuit. Through SmallRye such a call builds its asynchronous
 * machinery (contexts, futures, a retry state, lambdas: 1.6 kB and most of the time of a JDBC
 * {@code getConnection()} from a warm pool), and its breaker records every success under a lock. Counting only the
 * fast path's successes ourselves is not possible with SmallRye's breaker: it takes outcomes only from calls that
 * run through it. Hence a breaker ({@link CircuitBreaker}) and a retry ({@link RetryStage}) with SmallRye's
 * semantics, for which the common case costs a volatile read. The bulkhead is core's too ({@link BulkheadStage}),
 * so that an operator can resize it live; the timeout, when configured, runs through an {@link AttemptGuard}
 * (SmallRye's, in the CDI extension).
 */
final class CircuitBreakerStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final CircuitBreaker breaker;
    private final CircuitState circuit;
    private final Failures failures;

    CircuitBreakerStage(Acquisition<T> next, CircuitBreaker breaker, CircuitState circuit, Failures failures) {
        this.next = next;
        this.breaker = breaker;
        this.circuit = circuit;
        this.failures = failures;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "circuit breaker";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        CircuitBreaker.Phase phase = breaker.current();
        if (!CircuitBreaker.isClosed(phase)) {
            phase = breaker.admit(phase); // throws the refusal while open
        }
        T acquired;
        try {
            acquired = next.acquire(timeout, ctx);
        } catch (Throwable e) {
            breaker.failed(phase, e);
            if (e instanceof Exception && failures.countsAgainstCircuit(e)) {
                circuit.failed(Failures.backendError(e));
            }
            throw Stages.rethrow(e);
        }
        breaker.succeeded(phase);
        return acquired;
    }
}
