package io.nebula.resource.core.tenant;

import io.nebula.resource.core.ResourcePool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's pool and what is counted against it. {@link #users} counts the tenant's leases, held or being
 * acquired; {@value #RETIRED} marks a pool that was chosen to close, which no one may use any more. Going
 * from zero users to retired is one CAS, so a pool is only ever closed when no lease of it is out and no
 * acquisition is under way.
 */
final class TenantPool<R> {

    static final int RETIRED = -1;

    enum Use { TAKEN, OVER_QUOTA, RETIRED }

    final String tenant;
    final ResourcePool<R> pool;
    /**
     * The tenant's {@link TenantQuota}, its two figures held here rather than in an object of their own: every
     * acquisition reads them, and with thousands of tenants each object a call must reach is a likely cache miss.
     */
    final int maxConcurrentLeases;
    final int maxAcquisitionsPerSecond;
    /** What this pool reserves of {@code tenant.max-instances}: its {@code pool.max-size}. */
    final long reservation;
    final AtomicInteger users = new AtomicInteger();
    /**
     * When the last user left (or the pool opened): what idle closing and the least-recently-used choice read.
     * Only an idle pool is ever closed or chosen, and a pool is idle only after a user left, so it is written
     * when a user leaves, not when one comes (which would read the clock once more per acquisition).
     */
    volatile long lastUsed;

    TenantPool(String tenant, ResourcePool<R> pool, TenantQuota quota, long reservation, long now) {
        this.tenant = tenant;
        this.pool = pool;
        this.maxConcurrentLeases = quota.maxConcurrentLeases();
        this.maxAcquisitionsPerSecond = quota.maxAcquisitionsPerSecond();
        this.reservation = reservation;
        this.lastUsed = now;
    }

    /** Counts one more user unless the tenant is at its concurrent-lease quota or the pool was retired. */
    Use tryUse() {
        int max = maxConcurrentLeases;
        for (;;) {
            int n = users.get();
            if (n == RETIRED) {
                return Use.RETIRED;
            }
            if (max > 0 && n >= max) {
                return Use.OVER_QUOTA;
            }
            if (users.compareAndSet(n, n + 1)) {
                return Use.TAKEN;
            }
        }
    }

    void leave(long now) {
        lastUsed = now;
        users.decrementAndGet();
    }

    boolean isIdle() {
        return users.get() == 0;
    }

    /** Retires the pool if no one uses it. */
    boolean retire() {
        return users.compareAndSet(0, RETIRED);
    }

    @Override
    public String toString() {
        return "TenantPool[" + tenant + ", users=" + users.get() + "]";
    }
}
