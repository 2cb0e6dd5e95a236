package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.ResourceException;

/**
 * The failures of a pool's acquisitions, worded for the operator who reads them: what happened, the figures
 * that show it, and the key to change. Only failing acquisitions come here.
 */
final class AcquisitionFailures {

    private final AbstractPool<?> pool;

    AcquisitionFailures(AbstractPool<?> pool) {
        this.pool = pool;
    }

    AcquisitionTimeoutException failure(Reason reason, Throwable cause, long timeoutNanos, int waiting) {
        return switch (reason) {
            case POOL_EXHAUSTED -> exhausted(timeoutNanos, waiting);
            case BACKEND_UNAVAILABLE -> unavailable(cause, waiting);
            case POOL_DRAINING -> draining(waiting);
            case QUARANTINED -> new AcquisitionTimeoutException(pool.name, reason, waiting,
                    "NEBULA-0105 Could not acquire '" + pool.name + "': the resource is quarantined", cause);
            // a pool's own waits know no deadline: the pipeline cuts them to it (DeadlineStage), and says so itself
            case DEADLINE_EXCEEDED -> throw new IllegalArgumentException("a pool's waiter never fails with " + reason);
        };
    }

    AcquisitionTimeoutException exhausted(long timeoutNanos, int waiting) {
        String name = pool.name;
        int max = pool.config.maxSize();
        int inUse = pool.inUse();
        if (inUse < max && timeoutNanos > 0) {
            // Room in the pool, yet nothing came: the wait was for an instance being created, which took longer
            // than the timeout. Saying "exhausted (0 of 10 in use)" would send the operator to the wrong key.
            return new AcquisitionTimeoutException(name, Reason.POOL_EXHAUSTED, waiting,
                    "NEBULA-0101 Could not acquire '" + name + "' " + within(timeoutNanos) + ": no instance was free ("
                            + inUse + " of " + max + " in use, " + waiting + " waiting) and a new one was not ready in"
                            + " time; the backend is slow to connect, or raise "
                            + pool.settings.keyOf(PoolConfig.ACQUIRE_TIMEOUT), null);
        }
        return new AcquisitionTimeoutException(name, Reason.POOL_EXHAUSTED, waiting,
                "NEBULA-0101 Could not acquire '" + name + "' " + within(timeoutNanos) + ": pool exhausted ("
                        + inUse + " of " + max + " in use, " + waiting + " waiting); raise "
                        + pool.settings.keyOf(PoolConfig.MAX_SIZE) + " or " + pool.settings.keyOf(PoolConfig.ACQUIRE_TIMEOUT)
                        + ", or return leases sooner", null);
    }

    /**
     * No "within" here, unlike an exhausted pool: a creation that fails fails its waiters at once, and a retry may
     * have been given only what was left of the budget, so a timeout in the message would mislead.
     */
    AcquisitionTimeoutException unavailable(Throwable cause, int waiting) {
        Recovery recovery = pool.recovery;
        recovery.demanded(); // a caller was refused: the backend is wanted, so it is probed within a second
        Throwable error = cause != null ? cause : recovery.lastError();
        long next = recovery.nanosUntilNextAttempt(pool.ticker.nanoTime());
        String why = recovery.lastRetryable()
                ? "backend unavailable"
                : "backend refused with an error that retrying cannot fix";
        return new AcquisitionTimeoutException(pool.name, Reason.BACKEND_UNAVAILABLE, waiting,
                "NEBULA-0102 Could not acquire '" + pool.name + "': " + why
                        + " (last error: " + Log.describe(error) + ")"
                        + (next > 0 ? "; next attempt in " + Log.human(next) : ""), error);
    }

    AcquisitionTimeoutException draining(int waiting) {
        return new AcquisitionTimeoutException(pool.name, Reason.POOL_DRAINING, waiting,
                "NEBULA-0103 Could not acquire '" + pool.name + "': the pool is draining and accepts no new acquisitions",
                null);
    }

    ResourceException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ResourceException(pool.name, "NEBULA-0104 Acquisition of '" + pool.name + "' was interrupted", e);
    }

    private static String within(long timeoutNanos) {
        return timeoutNanos == 0 ? "at once" : "within " + Log.human(timeoutNanos);
    }
}
