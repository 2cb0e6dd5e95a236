package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigProblem;

import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.EngineThreads;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.ResourcePool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Making, idling out and closing the pools of one resource's {@link TenantPools}. A tenant's pool is made on its
 * first acquisition, after closing least recently used idle pools while the {@link TenantLimits} leave no room; a
 * housekeeping task closes pools idle for {@code tenant.idle-timeout}. Opening and closing are serialized by one
 * lock, which also guards the instances the live pools reserve; acquisitions from a live pool never take it.
 */
final class TenantPoolLifecycle<R> {

    private final TenantPools<R> owner;
    private final String resource;
    private final TenantTemplate template;
    private final TenantPools.PoolFactory<R> factory;
    private final Function<ResourceSettings, List<ConfigProblem>> validator;
    private final Map<String, TenantPool<R>> pools;
    private final ReentrantLock opening = new ReentrantLock();
    private long reserved; // guarded by opening
    private final ScheduledFuture<?> housekeeping;

    TenantPoolLifecycle(TenantPools<R> owner, TenantTemplate template, TenantPools.PoolFactory<R> factory,
                        Function<ResourceSettings, List<ConfigProblem>> validator, ScheduledExecutorService scheduler) {
        this.owner = owner;
        this.resource = owner.resource;
        this.template = template;
        this.factory = factory;
        this.validator = validator;
        this.pools = owner.pools;
        this.housekeeping = schedule(scheduler);
    }

    private ScheduledFuture<?> schedule(ScheduledExecutorService scheduler) {
        long idle = owner.limits.idleTimeout().toNanos();
        // Often enough that a pool closes at most a quarter of its idle timeout late; buckets are swept as well.
        long interval = idle == 0 ? TimeUnit.SECONDS.toNanos(30)
                : Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(idle / 4, TimeUnit.SECONDS.toNanos(15)));
        try {
            // closing a pool may wait on its backend: the work runs on the engine's workers, the timer only times it
            return EngineThreads.every(scheduler, Duration.ofNanos(interval), this::closeIdle, e -> TenantPools.LOG.log(
                    ERROR, "NEBULA-4013 Housekeeping of the tenant pools of resource '" + resource + "' failed", e));
        } catch (RejectedExecutionException e) {
            TenantPools.LOG.log(ERROR, "NEBULA-4010 Tenant pools of resource '" + resource + "' could not schedule their"
                    + " housekeeping; idle tenant pools will not be closed", e);
            return null;
        }
    }

    /** How much of {@code tenant.max-instances} the live pools reserve. */
    long reserved() {
        opening.lock();
        try {
            return reserved;
        } finally {
            opening.unlock();
        }
    }

    /**
     * The tenant's pool with one more user counted: the one another thread just made, or a new one, made after
     * closing least recently used idle pools while the limits leave no room. A pool in the map cannot be
     * retired while the lock is held, so the user is counted before any other opener could pick it to close.
     */
    TenantPool<R> open(String tenant, ResourceContext ctx) {
        TenantLimits limits = owner.limits;
        TenantAdmission<R> admission = owner.admission;
        opening.lock();
        try {
            if (owner.closed) {
                throw new ResourceClosedException(resource);
            }
            TenantPool<R> existing = pools.get(tenant);
            if (existing != null && existing.tryUse()) {
                return existing;
            }
            ResourceSettings settings = template.settingsFor(tenant);
            List<ConfigProblem> problems = validator.apply(settings);
            if (!problems.isEmpty()) {
                throw admission.denied(ctx, admission.invalidTenantSettings(tenant, problems));
            }
            TenantQuota configured = TenantQuota.from(settings);
            TenantQuota quota = owner.quotas.getOrDefault(tenant, configured);
            long reservation = limits.maxInstances() > 0 ? PoolConfig.from(settings).maxSize() : 0;
            admission.checkReservation(tenant, settings, reservation, ctx);
            while (admission.full(reserved, reservation)) {
                TenantPool<R> victim = leastRecentlyUsedIdle();
                if (victim == null) {
                    throw admission.denied(ctx, admission.noRoom(tenant, settings, reserved, reservation));
                }
                closeLocked(victim, "lru");
            }
            QuotaAdmission admits = QuotaAdmission.of(admission, tenant, quota);
            ResourcePool<R> pool = factory.make(settings, admits);
            TenantPool<R> p = new TenantPool<>(tenant, pool, admits, reservation, owner.ticker.nanoTime());
            pools.put(tenant, p);
            reserved += reservation;
            p.tryUse();
            TenantPools.LOG.log(DEBUG, () -> "NEBULA-4003 Resource '" + resource + "' opened a pool for tenant '" + tenant
                    + "' (" + pools.size() + " tenant pools live" + (limits.maxPools() > 0 ? " of " + limits.maxPools() : "")
                    + (limits.maxInstances() > 0 ? ", " + reserved + " of " + limits.maxInstances() + " instances reserved" : "")
                    + ")");
            for (TenantPoolsListener l : owner.listeners) {
                try {
                    l.onPoolOpened(tenant, pool);
                } catch (RuntimeException e) {
                    owner.listenerFailed(l, e);
                }
            }
            return p;
        } finally {
            opening.unlock();
        }
    }

    private TenantPool<R> leastRecentlyUsedIdle() {
        TenantPool<R> oldest = null;
        for (TenantPool<R> p : pools.values()) {
            if (p.isIdle() && (oldest == null || p.lastUsed - oldest.lastUsed < 0)) {
                oldest = p;
            }
        }
        return oldest;
    }

    /**
     * Closes an idle pool; does nothing if it is in use after all. Runs under the lock and waits for the pool
     * to drain, so the instances it freed are gone before their reservation is given to another tenant.
     */
    private boolean closeLocked(TenantPool<R> p, String reason) {
        if (!p.retire()) {
            return false;
        }
        pools.remove(p.tenant, p);
        closing(p.tenant, reason);
        try {
            p.pool.close();
        } catch (RuntimeException e) {
            TenantPools.LOG.log(WARNING, "NEBULA-4011 Closing the pool of tenant '" + p.tenant + "' of resource '"
                    + resource + "' failed", e);
        } finally {
            reserved -= p.reservation;
        }
        TenantPools.LOG.log(DEBUG, () -> "NEBULA-4005 Resource '" + resource + "' closed the pool of tenant '" + p.tenant
                + "' (" + reason + "); " + pools.size() + " tenant pools live");
        closed(p.tenant, reason);
        return true;
    }

    /** See {@link TenantPools#changeQuota}. */
    boolean changeQuota(String tenant, TenantQuota quota) {
        opening.lock(); // no pool of the tenant opens meanwhile with the quota it had
        try {
            TenantPool<R> p = pools.get(tenant);
            boolean limits = quota.maxConcurrentLeases() > 0 || quota.maxAcquisitionsPerSecond() > 0;
            if (p != null && p.quota == null && limits && !closeLocked(p, "quota changed")) {
                return false;
            }
            owner.quotas.put(tenant, quota);
            if (p != null && p.quota != null) {
                p.quota.change(quota);
            }
            return true;
        } finally {
            opening.unlock();
        }
    }

    /** See {@link TenantPools#closeIdle()}. */
    int closeIdle() {
        long now = owner.ticker.nanoTime();
        owner.admission.sweepRates(now);
        long idle = owner.limits.idleTimeout().toNanos();
        if (idle == 0 || owner.closed) {
            return 0;
        }
        int n = 0;
        for (TenantPool<R> p : pools.values()) {
            if (p.isIdle() && now - p.lastUsed >= idle) {
                opening.lock();
                try {
                    if (!owner.closed && p.isIdle() && owner.ticker.nanoTime() - p.lastUsed >= idle
                            && closeLocked(p, "idle")) {
                        n++;
                    }
                } finally {
                    opening.unlock();
                }
            }
        }
        if (n > 0) {
            int closedNow = n;
            TenantPools.LOG.log(DEBUG, () -> "NEBULA-4012 Resource '" + resource + "' closed " + closedNow
                    + " tenant pools idle for " + owner.limits.idleTimeout());
        }
        return n;
    }

    /** See {@link TenantPools#close()}. */
    void close() {
        opening.lock();
        try {
            if (owner.closed) {
                return;
            }
            owner.closed = true;
            if (housekeeping != null) {
                housekeeping.cancel(false);
            }
            for (TenantPool<R> p : pools.values()) {
                p.users.set(TenantPool.RETIRED); // no newcomer; leases out are drained with the pool's grace
                pools.remove(p.tenant, p);
                reserved -= p.reservation;
                closing(p.tenant, "shutdown");
                try {
                    p.pool.close();
                } catch (RuntimeException e) {
                    TenantPools.LOG.log(WARNING, "NEBULA-4011 Closing the pool of tenant '" + p.tenant + "' of resource '"
                            + resource + "' failed", e);
                }
                closed(p.tenant, "shutdown");
            }
            owner.admission.clearRates();
        } finally {
            opening.unlock();
        }
        TenantPools.LOG.log(DEBUG, () -> "NEBULA-4014 Tenant pools of resource '" + resource + "' closed");
    }

    private void closing(String tenant, String reason) {
        for (TenantPoolsListener l : owner.listeners) {
            try {
                l.onPoolClosing(tenant, reason);
            } catch (RuntimeException e) {
                owner.listenerFailed(l, e);
            }
        }
    }

    private void closed(String tenant, String reason) {
        for (TenantPoolsListener l : owner.listeners) {
            try {
                l.onPoolClosed(tenant, reason);
            } catch (RuntimeException e) {
                owner.listenerFailed(l, e);
            }
        }
    }
}
