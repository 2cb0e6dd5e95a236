package io.nebula.resource.core.tenant;

import io.nebula.resource.core.ResourcePool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's pool and who uses it. {@link #users} counts the acquisitions under way and the leases held;
 * {@value #RETIRED} marks a pool that was chosen to close, which no one may use any more. Going from zero users to
 * retired is one CAS, so a pool is only ever closed when no lease of it is out and no acquisition is under way. The
 * tenant's quota is not counted here but by the pool's pipeline ({@link QuotaAdmission}).
 */
final class TenantPool<R> {

    static final int RETIRED = -1;

    final String tenant;
    final ResourcePool<R> pool;
    /** The tenant's quota as its pool's pipeline admits leases; {@code null} when it limits nothing. */
    final QuotaAdmission quota;
    /** What this pool reserves of {@code tenant.max-instances}: its {@code pool.max-size}. */
    final long reservation;
    final AtomicInteger users = new AtomicInteger();
    /**
     * When the last user left (or the pool opened): what idle closing and the least-recently-used choice read.
     * Only an idle pool is ever closed or chosen, and a pool is idle only after a user left, so it is written
     * when a user leaves, not when one comes (which would read the clock once more per acquisition).
     */
    volatile long lastUsed;

    TenantPool(String tenant, ResourcePool<R> pool, QuotaAdmission quota, long reservation, long now) {
        this.tenant = tenant;
        this.pool = pool;
        this.quota = quota;
        this.reservation = reservation;
        this.lastUsed = now;
    }

    /** Counts one more user unless the pool was retired. */
    boolean tryUse() {
        for (;;) {
            int n = users.get();
            if (n == RETIRED) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** A user left without a lease: its acquisition failed or was refused. */
    void leave(long now) {
        lastUsed = now;
        users.decrementAndGet();
    }

    /** A lease of this pool was given back: its place in the quota, then its user. */
    void returned(long now) {
        QuotaAdmission q = quota;
        if (q != null) {
            q.leave();
        }
        leave(now);
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
