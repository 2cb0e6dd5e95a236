package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;

import java.util.ArrayList;
import java.util.List;

/**
 * The scopes a thread is in, broadest first: the global scope, then (each possibly absent) a tenant,
 * workflow, execution and action. Immutable.
 */
record ScopeChain(ActiveScope global, ActiveScope tenant, ActiveScope workflow, ActiveScope execution, ActiveScope action) {

    static ScopeChain of(ActiveScope global) {
        return new ScopeChain(global, null, null, null, null);
    }

    /** The scope at a level; the global one for {@link ResourceScope#GLOBAL}; {@code null} when not active. */
    ActiveScope at(ResourceScope level) {
        return switch (level) {
            case GLOBAL -> global;
            case TENANT -> tenant;
            case WORKFLOW -> workflow;
            case EXECUTION -> execution;
            case ACTION -> action;
        };
    }

    ScopeChain with(ResourceScope level, ActiveScope scope) {
        return switch (level) {
            case GLOBAL -> new ScopeChain(scope, tenant, workflow, execution, action);
            case TENANT -> new ScopeChain(global, scope, workflow, execution, action);
            case WORKFLOW -> new ScopeChain(global, tenant, scope, execution, action);
            case EXECUTION -> new ScopeChain(global, tenant, workflow, scope, action);
            case ACTION -> new ScopeChain(global, tenant, workflow, execution, scope);
        };
    }

    /** The narrowest active scope; the global one when no other is active. */
    ActiveScope narrowest() {
        ResourceScope[] levels = ResourceScope.values();
        for (int i = levels.length - 1; i > 0; i--) {
            ActiveScope s = at(levels[i]);
            if (s != null) {
                return s;
            }
        }
        return global;
    }

    /** The entered scopes (not the global one), broadest first. */
    List<ActiveScope> entered() {
        List<ActiveScope> list = new ArrayList<>(4);
        for (ResourceScope level : ResourceScope.values()) {
            ActiveScope s = at(level);
            if (level != ResourceScope.GLOBAL && s != null) {
                list.add(s);
            }
        }
        return list;
    }

    ResourceContext context() {
        if (tenant == null && workflow == null && execution == null && action == null) {
            return ResourceContext.GLOBAL; // outside every workflow scope: the common case of a JDBC call, no allocation
        }
        return new ResourceContext(name(tenant), name(workflow), name(execution), name(action));
    }

    private static String name(ActiveScope scope) {
        return scope == null ? null : scope.name();
    }
}
