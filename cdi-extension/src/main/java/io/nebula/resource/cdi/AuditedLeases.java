package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.audit.AuditTrail;

/**
 * The part of a resource's audit trail a pool reports: leases granted and given back. A failed acquisition is
 * audited from the acquisition chain instead ({@link PoolEvents#acquisitionFailed}), once per caller after its
 * retries, including the refusals the pool never sees (circuit open, quarantine).
 */
final class AuditedLeases implements PoolListener {

    private final AuditTrail audit;

    AuditedLeases(AuditTrail audit) {
        this.audit = audit;
    }

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        audit.onAcquire(pool, ctx, waitNanos);
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        audit.onRelease(pool, ctx, heldNanos, invalidated);
    }
}
