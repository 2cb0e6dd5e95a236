package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.InstanceState;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static io.nebula.resource.InstanceState.IN_USE;
import static io.nebula.resource.InstanceState.VALIDATING;
import static java.lang.System.Logger.Level.WARNING;

/**
 * How a {@link PooledResourcePool} lets go of every instance when it drains: queued waiters are failed, idle
 * instances destroyed at once, leases get the grace to come back, and what is still out after it is revoked.
 * The draining thread parks in between; releases, creations and keep-alive checks unpark it.
 */
final class PooledDrain<R> {

    private final PooledResourcePool<R> pool;

    PooledDrain(PooledResourcePool<R> pool) {
        this.pool = pool;
    }

    void drain(long graceNanos) {
        pool.drainer = Thread.currentThread();
        try {
            pool.waiters.failAll(new Waiter.Failure(Reason.POOL_DRAINING, null));
            evictIdle();
            long deadline = pool.ticker.nanoTime() + graceNanos;
            awaitQuiet(deadline);
            int forced = 0;
            for (Slot<R> s : pool.all) {
                PooledLease<R> lease = s.lease();
                if (s.state() == IN_USE && (lease == null || lease.revoke())) {
                    if (pool.retire(s, IN_USE, EvictionReason.CLOSE)) {
                        forced++;
                    }
                }
            }
            if (forced > 0) {
                int n = forced;
                Log.LOG.log(WARNING, () -> "NEBULA-0601 Resource '" + pool.name + "' drained with " + n
                        + " lease(s) still out after " + Log.human(graceNanos) + " ("
                        + pool.settings.keyOf(PoolConfig.DRAIN_GRACE) + "); their instances were destroyed");
            }
            // Creations and keep-alive checks still running finish on their own and destroy what they made,
            // since the pool no longer accepts; wait for them so shutdown comes after the last destroy.
            awaitQuiet(pool.ticker.nanoTime() + Math.max(graceNanos, Duration.ofSeconds(5).toNanos()));
            evictIdle();
        } finally {
            pool.drainer = null;
        }
    }

    private void evictIdle() {
        for (Slot<R> s : pool.all) {
            if (pool.takeOut(s)) {
                pool.evicted(s, EvictionReason.CLOSE);
            }
        }
    }

    /** Parks until no slot is leased, validating or being created, or the deadline passes. */
    private void awaitQuiet(long deadline) {
        for (;;) {
            boolean busy = pool.creations.underWay();
            for (Slot<R> s : pool.all) {
                InstanceState st = s.state();
                busy |= st == IN_USE || st == VALIDATING;
            }
            long remaining = deadline - pool.ticker.nanoTime();
            if (!busy || remaining <= 0) {
                return;
            }
            // Releases unpark us; the bound covers a ticker that is not the system clock.
            LockSupport.parkNanos(pool, Math.min(remaining, 10_000_000L));
        }
    }
}
