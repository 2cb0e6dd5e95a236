package io.nebula.resource.cdi.scope;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;

import java.util.ArrayList;
import java.util.List;

/**
 * The scopes a thread is in, broadest first: the global scope, then (each possibly absent) a tenant,
 * workflow, execution and action. Immutable.
 *
 * <p>A class rather than a record only to keep its {@link #context()}, made once per chain rather than on every
 * acquisition and every injected call that asks for it.
 */
public final class ScopeChain {

    private static final ResourceScope[] LEVELS = ResourceScope.values();

    private final ActiveScope global;
    private final ActiveScope tenant;
    private final ActiveScope workflow;
    private final ActiveScope execution;
    private final ActiveScope action;
    private final ResourceContext context;

    ScopeChain(ActiveScope global, ActiveScope tenant, ActiveScope workflow, ActiveScope execution, ActiveScope action) {
        this.global = global;
        this.tenant = tenant;
        this.workflow = workflow;
        this.execution = execution;
        this.action = action;
        this.context = tenant == null && workflow == null && execution == null && action == null
                ? ResourceContext.GLOBAL // outside every workflow scope: the common case of a JDBC call
                : new ResourceContext(name(tenant), name(workflow), name(execution), name(action));
    }

    static ScopeChain of(ActiveScope global) {
        return new ScopeChain(global, null, null, null, null);
    }

    ActiveScope global() {
        return global;
    }

    ActiveScope tenant() {
        return tenant;
    }

    ActiveScope workflow() {
        return workflow;
    }

    ActiveScope execution() {
        return execution;
    }

    ActiveScope action() {
        return action;
    }

    /** The scope at a level; the global one for {@link ResourceScope#GLOBAL}; {@code null} when not active. */
    public ActiveScope at(ResourceScope level) {
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
    public ActiveScope narrowest() {
        return action != null ? action
                : execution != null ? execution
                : workflow != null ? workflow
                : tenant != null ? tenant
                : global;
    }

    /** Whether no scope but the global one is entered. */
    boolean isOutside() {
        return tenant == null && workflow == null && execution == null && action == null;
    }

    /** The entered scopes (not the global one), broadest first. */
    List<ActiveScope> entered() {
        List<ActiveScope> list = new ArrayList<>(4);
        for (ResourceScope level : LEVELS) {
            ActiveScope s = at(level);
            if (level != ResourceScope.GLOBAL && s != null) {
                list.add(s);
            }
        }
        return list;
    }

    public ResourceContext context() {
        return context;
    }

    private static String name(ActiveScope scope) {
        return scope == null ? null : scope.name();
    }

    @Override
    public String toString() {
        return "ScopeChain[" + context + "]";
    }
}
