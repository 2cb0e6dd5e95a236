package io.nebula.resource.core.audit;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.tenant.TenantPoolsListener;

/**
 * The way into a resource's audit trail: what its pools report (leases granted and given back), what its tenant
 * pools refuse, and the failed acquisitions its pipelines report. A record is made only when its {@link Demand}
 * wants one: where nobody observes audit records and the audit logger is at INFO, a lease makes none (no clock
 * read, no principal lookup, no record, no string).
 *
 * <p>A failed acquisition is audited from the acquisition pipeline ({@link #acquisitionFailed}), once per caller
 * after its retries, including the refusals the pool never sees (circuit open, quarantine); so this listener hears
 * no {@code onAcquireFailure} from the pool.
 */
public final class AuditGate implements PoolListener, TenantPoolsListener {

    /** Whether a record would go anywhere now: the trail's sink answers (under CDI, whether anyone observes records). */
    public interface Demand {

        /** Whether a record of a lease granted or given back would go anywhere: make none when not. */
        boolean wantsLeases();

        /** Whether any other record (a refusal, a failure, a credential's use or rotation) would go anywhere. */
        boolean wantsNotable();
    }

    private final AuditTrail audit;
    private final Demand sink;

    public AuditGate(AuditTrail audit, Demand sink) {
        this.audit = audit;
        this.sink = sink;
    }

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        if (sink.wantsLeases()) {
            audit.onAcquire(pool, ctx, waitNanos);
        }
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        if (sink.wantsLeases()) {
            audit.onRelease(pool, ctx, heldNanos, invalidated);
        }
    }

    /** A request refused by the tenant pools before it reached one: a quota, a limit, or no valid tenant. */
    @Override
    public void onDenied(ResourceContext ctx, ResourceException error) {
        if (sink.wantsNotable()) {
            audit.onDenied(ctx, error);
        }
    }

    /** An acquisition failed after its retries, or was refused by the chain (circuit open, quarantine). */
    public void acquisitionFailed(String resource, ResourceContext ctx, ResourceException error) {
        if (sink.wantsNotable()) {
            audit.onAcquireFailure(resource, ctx, error, 0);
        }
    }

    /** The resource was down ({@code error}) and its fallback {@code fallback} served the acquisition instead. */
    public void fellBack(ResourceContext ctx, String fallback, ResourceException error) {
        if (sink.wantsNotable()) {
            audit.fellBack(ctx, fallback, error);
        }
    }
}
