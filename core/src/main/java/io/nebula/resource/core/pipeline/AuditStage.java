package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.core.audit.AuditGate;

import java.time.Duration;

/**
 * Audits each failed acquisition once, after its retries, including the refusals the pool never sees (circuit
 * open, quarantine): a Nebula refusal or failure is one record, a driver's own error from a hand-out (a JDBC
 * {@code getConnection()}) none. Outside metering, so the failure's event comes before its record. A lease granted
 * or given back is the pool's to report (the gate hears it as a listener: the pipeline never sees a lease given
 * back), a tenant's refusal the tenant pools'. In the pipeline only when audit is on; a success costs nothing here.
 */
final class AuditStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final AuditGate audit;
    private final String resource;

    AuditStage(Acquisition<T> next, AuditGate audit, String resource) {
        this.next = next;
        this.audit = audit;
        this.resource = resource;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "audit";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        try {
            return next.acquire(timeout, ctx);
        } catch (Throwable e) {
            if (e instanceof ResourceException failure) {
                try {
                    audit.acquisitionFailed(resource, ctx, failure);
                } catch (RuntimeException auditing) {
                    e.addSuppressed(auditing); // the caller learns why it failed, not that auditing did too
                }
            }
            throw Stages.rethrow(e);
        }
    }
}
