package io.nebula.resource.core.tenant;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's {@link TenantQuota}, as its pool's acquisition pipeline admits each lease (its tenant admission
 * stage): at most {@code tenant.quota.max-concurrent-leases} held or being acquired, at most
 * {@code tenant.quota.max-acquisitions-per-second} begun. A refusal holds no place, never waits, and is worded and
 * told to the listeners by {@link TenantAdmission}. Made only for a tenant whose quota limits something: without one
 * the pipeline has no such stage.
 *
 * <p>The count of leases is this quota's own, apart from {@link TenantPool#users}, which keeps the pool from being
 * closed under its users: an acquisition counts against the quota from the moment the pipeline admits it until its
 * lease is given back ({@link TenantLease}) or it fails (the stage). It counts every lease, whatever the limit, so
 * that an operator may change the quota while leases are out ({@link #change}): they count against the new one until
 * they come back.
 */
final class QuotaAdmission implements Admission {

    private final TenantAdmission<?> admission;
    private final String tenant;
    private volatile int maxConcurrentLeases;
    private volatile int maxAcquisitionsPerSecond;
    private final AtomicInteger leases = new AtomicInteger();

    private QuotaAdmission(TenantAdmission<?> admission, String tenant, TenantQuota quota) {
        this.admission = admission;
        this.tenant = tenant;
        this.maxConcurrentLeases = quota.maxConcurrentLeases();
        this.maxAcquisitionsPerSecond = quota.maxAcquisitionsPerSecond();
    }

    /** The admission of {@code tenant}'s leases within {@code quota}; {@code null} when the quota limits nothing. */
    static QuotaAdmission of(TenantAdmission<?> admission, String tenant, TenantQuota quota) {
        return quota.maxConcurrentLeases() == 0 && quota.maxAcquisitionsPerSecond() == 0 ? null
                : new QuotaAdmission(admission, tenant, quota);
    }

    @Override
    public void enter(ResourceContext ctx) {
        int max = maxConcurrentLeases;
        if (max > 0) {
            for (;;) {
                int n = leases.get();
                if (n >= max) {
                    throw admission.denied(ctx, admission.overConcurrentLeases(tenant, max));
                }
                if (leases.compareAndSet(n, n + 1)) {
                    break;
                }
            }
        } else {
            leases.incrementAndGet();
        }
        int rate = maxAcquisitionsPerSecond;
        if (rate > 0) {
            try {
                admission.checkRate(tenant, rate, ctx);
            } catch (RuntimeException e) {
                leave(); // a refused request holds no place
                throw e;
            }
        }
    }

    @Override
    public void leave() {
        leases.decrementAndGet();
    }

    /** An operator changed the tenant's quota: from the next acquisition on; the leases out are kept and counted. */
    void change(TenantQuota quota) {
        maxConcurrentLeases = quota.maxConcurrentLeases();
        maxAcquisitionsPerSecond = quota.maxAcquisitionsPerSecond();
    }

    /** The quota in force. */
    TenantQuota quota() {
        return new TenantQuota(maxConcurrentLeases, maxAcquisitionsPerSecond);
    }

    @Override
    public String toString() {
        return "QuotaAdmission[" + tenant + ", leases=" + leases.get() + ", " + TenantQuota.MAX_CONCURRENT_LEASES + "="
                + maxConcurrentLeases + ", " + TenantQuota.MAX_ACQUISITIONS_PER_SECOND + "=" + maxAcquisitionsPerSecond + "]";
    }
}
