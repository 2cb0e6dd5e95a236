package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.PoolSizing;
import io.nebula.resource.spi.PoolStrategy;

import java.util.ArrayList;
import java.util.List;

import static io.nebula.resource.InstanceState.EVICTED;
import static io.nebula.resource.InstanceState.IDLE;
import static io.nebula.resource.InstanceState.VALIDATING;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * What a {@link PooledResourcePool} does beside acquisitions: the housekeeping round (lifetimes, shrinking,
 * keep-alive, leaks, refill to the floor), the clock-jump rebase, resizes and health checks. None of it is on
 * the hit path; its I/O (destroying, keep-alive checks) runs on the creator executor.
 */
final class PooledHousekeeping<R> {

    private final PooledResourcePool<R> pool;
    private final boolean keepalive;
    /** When the strategy's current sizing window began; housekeeper thread only. */
    private long windowStart;

    PooledHousekeeping(PooledResourcePool<R> pool, PoolConfig config) {
        this.pool = pool;
        this.keepalive = !config.keepaliveInterval().isZero();
        this.windowStart = pool.ticker.nanoTime();
    }

    /** One round, after the clock check. */
    void round(long now) {
        PoolConfig c = pool.config;
        PoolSizing sizing = pool.sizing;
        if (sizing != null && now - windowStart > 0) {
            sizing.window(now - windowStart, pool.waiting.get(), c.minSize(), c.maxSize());
            windowStart = now;
        }
        List<Slot<R>> idleNow = idleSlots();
        // 1. lifetimes
        for (Slot<R> s : idleNow) {
            if (s.expired(now) && pool.takeOut(s)) {
                pool.io(() -> pool.evicted(s, EvictionReason.MAX_LIFETIME));
            }
        }
        // 2. shrink: above the maximum after a resize, idle past the idle timeout above the floor,
        //    or what the strategy's sizing lets go (adaptive: above its target after sustained low demand)
        int excessOverMax = pool.total.get() - c.maxSize();
        int floor = pool.creations.floor();
        long idleTimeout = c.idleTimeout().toNanos();
        int surplus = sizing == null ? 0 : sizing.surplus(pool.all.size(), c.minSize());
        List<Slot<R>> victims = shrinkOrder(idleNow, c.strategy());
        int liveCount = pool.all.size();
        for (Slot<R> s : victims) {
            if (s.state() != IDLE) {
                continue;
            }
            EvictionReason why = null;
            if (excessOverMax > 0 || surplus > 0) {
                why = EvictionReason.SHRINK;
            } else if (idleTimeout > 0 && liveCount > floor && now - s.lastReturned > idleTimeout) {
                why = EvictionReason.IDLE_TIMEOUT;
            }
            if (why != null && pool.takeOut(s)) {
                excessOverMax--;
                surplus--;
                liveCount--;
                EvictionReason reason = why;
                pool.io(() -> pool.evicted(s, reason));
            }
        }
        // 3. keep-alive
        if (keepalive) {
            for (Slot<R> s : idleNow) {
                if (s.state() == IDLE && now - s.nextKeepalive >= 0 && s.cas(IDLE, VALIDATING)) {
                    pool.changed(IDLE, VALIDATING);
                    pool.idle.removed(s);
                    pool.io(() -> keepAlive(s));
                }
            }
        }
        // 4. leaks
        if (pool.leakThresholdNanos > 0) {
            detectLeaks(now);
        }
        // 5. refill to the floor, and the recovery probe when one is due
        pool.creations.ensureCapacity();
    }

    /** Idle slots in the order they should go when the pool shrinks: the strategy's. */
    private List<Slot<R>> shrinkOrder(List<Slot<R>> idleSlots, PoolStrategy strategy) {
        List<Slot<R>> order = new ArrayList<>(idleSlots);
        order.sort(strategy.shrinkOrder());
        return order;
    }

    private void keepAlive(Slot<R> s) {
        HealthStatus status = pool.checkQuietly(s.instance, CheckDepth.SHALLOW);
        boolean valid = status.status() != HealthStatus.Status.DOWN;
        pool.listeners.onValidation(pool.name, valid);
        pool.checked(s.endpoint, status);
        if (valid && pool.accepting()) {
            s.nextKeepalive = pool.keepaliveDeadline(pool.ticker.nanoTime());
            if (s.cas(VALIDATING, IDLE)) {
                pool.changed(VALIDATING, IDLE);
                pool.idle.returned(s);
                pool.waiters.serve();
            }
        } else if (s.cas(VALIDATING, EVICTED)) {
            pool.changed(VALIDATING, EVICTED);
            pool.evicted(s, valid ? EvictionReason.CLOSE : EvictionReason.INVALID);
        }
        pool.wakeDrainer();
    }

    private void detectLeaks(long now) {
        long threshold = pool.leakThresholdNanos;
        for (Slot<R> s : pool.all) {
            PooledLease<R> lease = s.lease();
            if (lease != null && !lease.leakReported && lease.isOpen() && now - lease.acquiredAt > threshold) {
                lease.leakReported = true;
                long held = now - lease.acquiredAt;
                Log.LOG.log(WARNING, "NEBULA-0301 Lease on '" + pool.name + "' held for " + Log.human(held)
                        + ", longer than " + pool.settings.keyOf(PoolConfig.LEAK_THRESHOLD) + " ("
                        + pool.config.leakThreshold() + "); possible leak, acquired at:", lease.acquiredTrace);
                pool.listeners.onLeak(pool.name, lease.ctx, held, lease.acquiredTrace);
            }
        }
    }

    /** Shifts every slot's timestamps back by {@code delta} after the clock went backwards. */
    void rebase(long delta) {
        for (Slot<R> s : pool.all) {
            s.lastReturned -= delta;
            s.expiresAt -= delta;
            s.nextKeepalive -= delta;
        }
        windowStart -= delta;
    }

    void resize(int minSize, int maxSize) {
        PoolConfig next = pool.config.toBuilder().minSize(minSize).maxSize(maxSize).build(pool.settings::keyOf);
        pool.config = next; // a sizing target is kept within the new bounds from now on (Creations.floor)
        pool.resized(minSize, maxSize, pool.all.stream().map(s -> s.instance).toList());
        Log.LOG.log(INFO, () -> "NEBULA-0701 Resource '" + pool.name + "' resized to min " + minSize + ", max " + maxSize);
        // Idle instances above the new maximum go now; leased ones when they come back.
        int excess = pool.total.get() - maxSize;
        if (excess > 0) {
            for (Slot<R> s : shrinkOrder(idleSlots(), next.strategy())) {
                if (excess <= 0) {
                    break;
                }
                if (pool.takeOut(s)) {
                    excess--;
                    pool.evicted(s, EvictionReason.SHRINK);
                }
            }
        }
        pool.creations.ensureCapacity();
    }

    private List<Slot<R>> idleSlots() {
        List<Slot<R>> result = new ArrayList<>();
        for (Slot<R> s : pool.all) {
            if (s.state() == IDLE) {
                result.add(s);
            }
        }
        return result;
    }

    HealthStatus check(CheckDepth depth) {
        if (!pool.startedAndAccepting()) {
            return HealthStatus.down("resource '" + pool.name + "' is " + pool.state());
        }
        Slot<R> s = null;
        for (Slot<R> candidate : idleSlots()) {
            if (candidate.cas(IDLE, VALIDATING)) {
                pool.changed(IDLE, VALIDATING);
                pool.idle.removed(candidate);
                s = candidate;
                break;
            }
        }
        if (s == null) {
            if (pool.inUse() > 0 && pool.total.get() >= pool.config.maxSize()) {
                return pool.observed(details(HealthStatus.up()).withDetail("checked", "none: every instance is in use"));
            }
            int e = pool.creations.reserve();
            if (e < 0) {
                return pool.observed(details(HealthStatus.up()).withDetail("checked", "none: the pool is full"));
            }
            try {
                s = pool.creations.createCounted(e, VALIDATING);
            } catch (Exception x) {
                return pool.observed(details(HealthStatus.down(x)));
            }
            pool.changed(IDLE, VALIDATING);
        }
        HealthStatus h = pool.checkQuietly(s.instance, depth);
        boolean valid = h.status() != HealthStatus.Status.DOWN;
        pool.listeners.onValidation(pool.name, valid);
        pool.checked(s.endpoint, h);
        if (valid) {
            pool.waiters.handOff(s);
        } else if (s.cas(VALIDATING, EVICTED)) {
            pool.changed(VALIDATING, EVICTED);
            pool.evicted(s, EvictionReason.INVALID);
        }
        return pool.observed(details(h));
    }

    private HealthStatus details(HealthStatus h) {
        PoolSnapshot p = pool.snapshot();
        HealthStatus result = h.withDetail("size", p.size()).withDetail("active", p.active())
                .withDetail("idle", p.idle()).withDetail("pending", p.pending()).withDetail("max", p.maxSize());
        Throwable last = pool.recovery.lastError();
        if (pool.recovery.failing() && last != null) {
            result = result.withDetail("lastError", Log.describe(last));
        }
        return pool.withEndpoints(result);
    }
}
