package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.AttemptTimeoutException;

/**
 * Which failed acquisitions the retry may try again and which count against the circuit breaker. The
 * provider has the last word on its own errors ({@link ResourceProvider#isRetryable}): bad credentials or an
 * unknown database are not retried, and fail at once with the driver's error as the cause.
 *
 * <ul>
 *   <li>A backend that is down or refusing (an {@link AcquisitionTimeoutException} with reason
 *       {@code BACKEND_UNAVAILABLE}, or a driver's error from {@code getConnection()}): retried when the
 *       provider says retrying may help; always counts against the circuit.</li>
 *   <li>An attempt that ran past {@code timeout}: retried, and counts against the circuit.</li>
 *   <li>A busy pool (exhausted, or a full bulkhead), a draining or quarantined resource, a quota: neither.
 *       The pool already waited its {@code pool.acquire-timeout}; a busy pool says nothing about the backend.</li>
 *   <li>The caller's deadline ({@code DEADLINE_EXCEEDED}): never retried (no time is left for it); counts against
 *       the circuit as what it stopped does: a backend error whose retry no longer fitted counts, a pool wait cut to
 *       the deadline does not.</li>
 * </ul>
 */
final class Failures {

    private final ResourceProvider<?> provider;

    Failures(ResourceProvider<?> provider) {
        this.provider = provider;
    }

    /** Whether the retry may try again after {@code error}. */
    boolean retryable(Throwable error) {
        if (DeadlineStage.exceeded(error)) {
            return false;
        }
        if (error instanceof AttemptTimeoutException) {
            return true;
        }
        if (!backendFailure(error)) {
            return false;
        }
        Throwable cause = error instanceof AcquisitionTimeoutException ? error.getCause() : error;
        return cause == null || providerSaysRetryable(cause);
    }

    /**
     * What the backend said: the driver's or client's own error, not the pool's {@code AcquisitionTimeoutException}
     * around it, whose message (its waiters, its next attempt) was true only when it was thrown. For the reason a
     * failed pool reports and the cause of an open circuit's refusals.
     */
    static Throwable backendError(Throwable error) {
        Throwable e = error;
        while (e instanceof AcquisitionTimeoutException && e.getCause() != null) {
            e = e.getCause(); // a deadline's refusal around the pool's around the driver's: the driver's
        }
        return e;
    }

    /** Whether {@code error} is a failure of the backend, counted by the circuit breaker. */
    boolean countsAgainstCircuit(Throwable error) {
        return backendFailure(error);
    }

    private static boolean backendFailure(Throwable error) {
        if (DeadlineStage.exceeded(error)) {
            return error.getCause() != null && backendFailure(error.getCause());
        }
        if (error instanceof AcquisitionTimeoutException t) {
            return t.reason() == AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE;
        }
        if (error instanceof ResourceException || error instanceof InterruptedException) {
            return false;
        }
        return true; // a driver's own error, raised while asking the backend for a connection
    }

    private boolean providerSaysRetryable(Throwable cause) {
        try {
            return provider.isRetryable(cause);
        } catch (RuntimeException e) {
            return true; // a provider that cannot classify its error gets the benefit of the doubt
        }
    }
}
