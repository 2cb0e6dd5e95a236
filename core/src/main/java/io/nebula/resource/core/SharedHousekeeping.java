package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.CheckDepth;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * What a {@link SharedResourcePool} does beside acquisitions: the housekeeping round (lifetimes of bounded
 * instances, keep-alive, leaks, keeping the shared instances there and probing a failing backend), the
 * clock-jump rebase, resizes and health checks. A failed keep-alive or health check retires a bounded
 * instance only; a resident one heals itself (see {@link SharedResourcePool}).
 */
final class SharedHousekeeping<R> {

    private final SharedResourcePool<R> pool;

    SharedHousekeeping(SharedResourcePool<R> pool) {
        this.pool = pool;
    }

    /** One round, after the clock check. */
    void round(long now) {
        for (SharedInstance<R> h : pool.live) {
            if (h.retired) {
                continue;
            }
            if (pool.mortal && now - h.expiresAt >= 0) {
                pool.retire(h, EvictionReason.MAX_LIFETIME);
            } else if (pool.keepalive && now - h.nextKeepalive >= 0) {
                h.nextKeepalive = pool.keepaliveDeadline(now);
                pool.io(() -> keepAlive(h));
            }
        }
        if (pool.watched != null) {
            for (SharedLease<R> lease : pool.watched) {
                long held = now - lease.acquiredAt;
                if (!lease.leakReported && held > pool.leakThresholdNanos) {
                    lease.leakReported = true;
                    Log.LOG.log(WARNING, "NEBULA-0301 Lease on '" + pool.name + "' held for " + Log.human(held)
                            + ", longer than " + pool.settings.keyOf(PoolConfig.LEAK_THRESHOLD) + " ("
                            + pool.config.leakThreshold() + "); possible leak, acquired at:", lease.acquiredTrace);
                    pool.listeners.onLeak(pool.name, lease.ctx, held, lease.acquiredTrace);
                }
            }
        }
        refill(now);
    }

    /** Whether the pool keeps its shared instances there (a minimum, or eager warm-up) rather than making them on demand. */
    boolean keepsInstances() {
        return pool.config.minSize() > 0 || pool.config.warmup() == WarmUp.EAGER;
    }

    /** Keeps the shared instances there when a minimum is configured, and probes a failing backend. */
    void refill(long now) {
        boolean kept = keepsInstances();
        if (kept && pool.recovery.failing()) {
            pool.recovery.demanded(); // the instance should be there: probe within a second
        }
        boolean wanted = kept || pool.recovery.failing();
        for (int e = 0; e < pool.current.length(); e++) {
            if (pool.health != null && pool.health.down(e)) {
                continue; // its probe brings it back (AbstractPool.probeEndpoints)
            }
            if (wanted && pool.current.get(e) == null && pool.creations.get(e) == null
                    && (!pool.recovery.failing() || pool.recovery.nanosUntilNextAttempt(now) == 0)) {
                int endpoint = e;
                pool.io(() -> {
                    try {
                        pool.createOrAwait(endpoint, pool.ticker.nanoTime(), pool.config.acquireTimeout().toNanos());
                    } catch (ResourceException x) {
                        // reported by create()
                    }
                });
            }
        }
    }

    private void keepAlive(SharedInstance<R> h) {
        HealthStatus status = pool.checkQuietly(h.instance, CheckDepth.SHALLOW);
        boolean valid = status.status() != HealthStatus.Status.DOWN;
        pool.listeners.onValidation(pool.name, valid);
        if (!valid) {
            if (pool.bounded) {
                pool.retire(h, EvictionReason.INVALID);
            }
            if (pool.health != null) {
                pool.checked(h.endpoint, status); // its endpoint DOWN; the others serve
            } else {
                pool.observed(status);
            }
        }
    }

    /** Shifts every instance's timestamps back by {@code delta} after the clock went backwards. */
    void rebase(long delta) {
        for (SharedInstance<R> h : pool.live) {
            h.expiresAt -= delta;
            h.nextKeepalive -= delta;
        }
    }

    void resize(int minSize, int maxSize) {
        PoolConfig previous = pool.config;
        pool.config = previous.toBuilder().minSize(minSize).maxSize(maxSize).build(pool.settings::keyOf);
        if (pool.bounded) {
            int delta = maxSize - previous.maxSize();
            if (delta > 0) {
                pool.permits.release(delta);
            } else if (delta < 0) {
                pool.permits.shrink(-delta); // leases out now finish normally; the cap applies as they return
            }
        }
        pool.resized(minSize, maxSize, pool.live.stream().map(h -> h.instance).toList());
        Log.LOG.log(INFO, () -> "NEBULA-0701 Resource '" + pool.name + "' resized to min " + minSize + ", max " + maxSize);
    }

    HealthStatus check(CheckDepth depth) {
        if (!pool.startedAndAccepting()) {
            return HealthStatus.down("resource '" + pool.name + "' is " + pool.state());
        }
        HealthStatus worst = null;
        for (int e = 0; e < pool.current.length(); e++) {
            if (pool.health != null && pool.health.down(e)) {
                continue; // not touched by checks: its probe says when it is back
            }
            HealthStatus h;
            try {
                SharedInstance<R> shared = pool.holder(e, pool.ticker.nanoTime(), pool.config.acquireTimeout().toNanos());
                try {
                    h = pool.checkQuietly(shared.instance, depth);
                    pool.listeners.onValidation(pool.name, h.status() != HealthStatus.Status.DOWN);
                    if (h.status() == HealthStatus.Status.DOWN && pool.bounded) {
                        pool.retire(shared, EvictionReason.INVALID);
                    }
                } finally {
                    pool.unuse(shared);
                }
            } catch (ResourceException x) {
                h = HealthStatus.down(x.getCause() != null ? x.getCause() : x);
            }
            if (pool.health != null) {
                pool.checked(e, h);
                if (h.status() == HealthStatus.Status.DOWN) {
                    continue; // its endpoint is DOWN now: shown as such by withEndpoints, the others serve
                }
            }
            worst = worst == null || h.status().ordinal() > worst.status().ordinal() ? h : worst;
        }
        if (worst == null) {
            worst = HealthStatus.down("every endpoint is DOWN"); // only with endpoints: without, the loop ran once
        }
        PoolSnapshot p = pool.snapshot();
        return pool.observed(pool.withEndpoints(worst.withDetail("leases", p.active()).withDetail("instances", p.size())));
    }
}
