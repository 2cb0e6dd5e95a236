package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.core.Ticker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Holds an acquisition to its caller's {@link Deadline} (the context's: a workflow's or an action's time budget).
 * Outside the quarantine and the breaker, so that a call whose deadline has already passed asks nothing of them (a
 * half-open circuit's probe is not spent on it); inside the metering, which counts its refusals
 * ({@code outcome=deadline_exceeded}).
 * <ul>
 *   <li>a deadline already passed: {@code DEADLINE_EXCEEDED} at once, no attempt;</li>
 *   <li>a deadline nearer than the acquisition's own budget (the caller's timeout, or {@code pool.acquire-timeout}):
 *       the stages below get what is left of the deadline as their timeout, so the pool waits no longer than it and
 *       the retry spends no more ({@link RetryStage} says {@code DEADLINE_EXCEEDED} itself when a retry no longer
 *       fits); a pool wait cut short this way that ran out ({@code POOL_EXHAUSTED}) is {@code DEADLINE_EXCEEDED}, the
 *       pool's refusal its cause;</li>
 *   <li>a deadline further than the budget, or none: nothing changes.</li>
 * </ul>
 * In every pipeline, since a deadline comes with each call and not with the pool's configuration; without one it
 * costs a read of the context's field.
 */
final class DeadlineStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final String resource;
    private final Ticker ticker;
    private final Duration poolTimeout;

    /**
     * @param ticker      the precise clock, on the time base of {@link Deadline#nanoTime()}
     * @param poolTimeout the budget of an acquisition that names no timeout: the pool's {@code pool.acquire-timeout}
     */
    DeadlineStage(Acquisition<T> next, String resource, Ticker ticker, Duration poolTimeout) {
        this.next = next;
        this.resource = resource;
        this.ticker = ticker;
        this.poolTimeout = poolTimeout;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "deadline";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        Deadline deadline = ctx.deadline();
        if (deadline == null) {
            return next.acquire(timeout, ctx);
        }
        long left = deadline.remainingNanos(ticker.nanoTime());
        if (left <= 0) {
            throw exceeded(resource, deadline, left, null);
        }
        if ((timeout != null ? timeout : poolTimeout).toNanos() < left) {
            return next.acquire(timeout, ctx); // the acquisition's own budget ends first: the deadline changes nothing
        }
        try {
            return next.acquire(Duration.ofNanos(left), ctx);
        } catch (AcquisitionTimeoutException e) {
            if (e.reason() == Reason.POOL_EXHAUSTED) {
                throw exceeded(resource, deadline, deadline.remainingNanos(ticker.nanoTime()), e);
            }
            throw e;
        }
    }

    /**
     * The refusal of an acquisition stopped by its deadline, saying what was left of it:
     * {@code NEBULA-3020 Could not acquire 'orders-db': deadline exceeded: 0 ms of 250 ms left}.
     *
     * @param leftNanos what is left of the deadline now; zero or below once passed
     * @param cause     what the acquisition met before the deadline stopped it, or {@code null}
     */
    static AcquisitionTimeoutException exceeded(String resource, Deadline deadline, long leftNanos, Throwable cause) {
        // Nebula's own wording of what it met, which names keys and figures; of a driver's error only its class, as
        // its message may name a user or a host (the error itself is the cause)
        String met = cause == null ? "" : "; before it: "
                + (cause instanceof ResourceException ? cause.getMessage() : cause.getClass().getName());
        return new AcquisitionTimeoutException(resource, Reason.DEADLINE_EXCEEDED, 0,
                "NEBULA-3020 Could not acquire '" + resource + "': deadline exceeded: "
                        + TimeUnit.NANOSECONDS.toMillis(Math.max(0, leftNanos)) + " ms of "
                        + deadline.budget().toMillis() + " ms left" + met, cause);
    }

    /** Whether {@code error} is the refusal of a deadline. */
    static boolean exceeded(Throwable error) {
        return error instanceof AcquisitionTimeoutException t && t.reason() == Reason.DEADLINE_EXCEEDED;
    }
}
