package io.nebula.resource;

/**
 * Who is using a resource: the tenant, workflow, execution and action in effect, any of which may be
 * {@code null}. It travels with acquisitions into logs, spans, metrics and audit records.
 *
 * <p>It may carry the caller's {@link Deadline} too ({@code null}: none): no acquisition made for it waits, retries
 * or backs off past it. The CDI extension sets it from the scopes entered with one ({@code WorkflowContexts.enter},
 * {@code @Action(timeout = ...)}); a plain Java caller with {@link #withDeadline}.
 */
public record ResourceContext(String tenant, String workflow, String execution, String action, Deadline deadline) {

    /** No tenant, workflow, execution or action: the global scope. */
    public static final ResourceContext GLOBAL = new ResourceContext(null, null, null, null);

    /** A context without a deadline. */
    public ResourceContext(String tenant, String workflow, String execution, String action) {
        this(tenant, workflow, execution, action, null);
    }

    /**
     * This context with the earlier of its deadline and {@code deadline} ({@code null}: none): a deadline only
     * tightens, as a call made for a workflow with 2 s left and an action with 250 ms has 250 ms.
     */
    public ResourceContext withDeadline(Deadline deadline) {
        Deadline earliest = Deadline.earliest(this.deadline, deadline);
        return earliest == this.deadline ? this : new ResourceContext(tenant, workflow, execution, action, earliest);
    }

    /** The narrowest scope that is set. */
    public ResourceScope narrowestScope() {
        if (action != null) {
            return ResourceScope.ACTION;
        }
        if (execution != null) {
            return ResourceScope.EXECUTION;
        }
        if (workflow != null) {
            return ResourceScope.WORKFLOW;
        }
        return tenant != null ? ResourceScope.TENANT : ResourceScope.GLOBAL;
    }

    /** Whether the given scope is active in this context. {@link ResourceScope#GLOBAL} always is. */
    public boolean isActive(ResourceScope scope) {
        return switch (scope) {
            case GLOBAL -> true;
            case TENANT -> tenant != null;
            case WORKFLOW -> workflow != null;
            case EXECUTION -> execution != null;
            case ACTION -> action != null;
        };
    }

    /** The scope to use for a resource configured with {@code wanted}: it, or the nearest broader active one. */
    public ResourceScope effectiveScope(ResourceScope wanted) {
        ResourceScope s = wanted;
        while (!isActive(s)) {
            s = s.broader().orElse(ResourceScope.GLOBAL);
        }
        return s;
    }
}
