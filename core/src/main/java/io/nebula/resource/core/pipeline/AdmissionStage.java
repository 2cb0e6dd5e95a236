package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Admission;

import java.time.Duration;

/**
 * A tenant's quota ({@code tenant.quota.*}): the outermost stage of a tenant pool's leases, so that a refusal is
 * neither traced, metered, audited as a failed acquisition nor an {@code AcquisitionFailedEvent}, but told to the
 * tenant pools' listeners, as every tenant refusal is. The place an acquisition took is given back here when it
 * fails, and by {@code TenantPools}' lease when that is closed. In the pipeline only for a tenant whose quota limits
 * anything, and only for leases: what a data source hands out counts against no quota.
 */
final class AdmissionStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final Admission admission;

    AdmissionStage(Acquisition<T> next, Admission admission) {
        this.next = next;
        this.admission = admission;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "tenant admission";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        admission.enter(ctx);
        try {
            return next.acquire(timeout, ctx);
        } catch (Throwable e) {
            admission.leave();
            throw Stages.rethrow(e);
        }
    }
}
