package io.nebula.resource;

/**
 * Who is using a resource: the tenant, workflow, execution and action in effect, any of which may be
 * {@code null}. It travels with acquisitions into logs, spans, metrics and audit records.
 */
public record ResourceContext(String tenant, String workflow, String execution, String action) {

    /** No tenant, workflow, execution or action: the global scope. */
    public static final ResourceContext GLOBAL = new ResourceContext(null, null, null, null);

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
