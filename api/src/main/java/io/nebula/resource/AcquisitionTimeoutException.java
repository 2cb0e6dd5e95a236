package io.nebula.resource;

/**
 * No instance could be handed out in time. {@link #reason()} says why, so a caller (and an operator
 * reading the log) can tell a busy pool from a broken backend; when the backend is the problem, the
 * backend's last error is the {@linkplain #getCause() cause}.
 */
public class AcquisitionTimeoutException extends ResourceException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Every instance was in use and the pool was at its maximum size. */
        POOL_EXHAUSTED,
        /** New instances could not be created: the backend is down or refusing. Cause: its last error. */
        BACKEND_UNAVAILABLE,
        /** The pool is draining or closed and accepts no new acquisitions. */
        POOL_DRAINING,
        /** The resource failed its deep health checks repeatedly and takes no new leases until it passes. */
        QUARANTINED,
        /**
         * The caller's {@link Deadline} (its context's: a workflow's or an action's time budget) left no time to wait,
         * retry or back off further. The message says what was left of the budget
         * ({@code deadline exceeded: 0 ms of 250 ms left}); the cause, when there is one, is what the acquisition met
         * before the deadline stopped it: the pool's {@code POOL_EXHAUSTED} after a wait cut to the deadline, or the
         * backend's error whose retry no longer fitted.
         */
        DEADLINE_EXCEEDED
    }

    private final Reason reason;
    private final int waiters;

    public AcquisitionTimeoutException(String resource, Reason reason, int waiters, String message, Throwable cause) {
        super(resource, message, cause);
        this.reason = reason;
        this.waiters = waiters;
    }

    public Reason reason() {
        return reason;
    }

    /** How many other callers were waiting when this one gave up. */
    public int waiters() {
        return waiters;
    }
}
