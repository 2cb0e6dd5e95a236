package io.nebula.resource.cdi.scope;

import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;

import java.util.ArrayList;
import java.util.List;

/**
 * The scopes a thread is in, broadest first: the global scope, then (each possibly absent) a tenant,
 * workflow, execution and action, and the deadline they were entered with, if any. Immutable.
 *
 * <p>The deadline belongs to the thread's chain, not to a scope: two threads in the same execution scope may each
 * have entered it with a budget of their own.
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
    private final Deadline deadline;
    private final ResourceContext context;

    ScopeChain(ActiveScope global, ActiveScope tenant, ActiveScope workflow, ActiveScope execution, ActiveScope action,
               Deadline deadline) {
        this.global = global;
        this.tenant = tenant;
        this.workflow = workflow;
        this.execution = execution;
        this.action = action;
        this.deadline = deadline;
        this.context = tenant == null && workflow == null && execution == null && action == null && deadline == null
                ? ResourceContext.GLOBAL // outside every workflow scope: the common case of a JDBC call
                : new ResourceContext(name(tenant), name(workflow), name(execution), name(action), deadline);
    }

    static ScopeChain of(ActiveScope global) {
        return new ScopeChain(global, null, null, null, null, null);
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
            case GLOBAL -> new ScopeChain(scope, tenant, workflow, execution, action, deadline);
            case TENANT -> new ScopeChain(global, scope, workflow, execution, action, deadline);
            case WORKFLOW -> new ScopeChain(global, tenant, scope, execution, action, deadline);
            case EXECUTION -> new ScopeChain(global, tenant, workflow, scope, action, deadline);
            case ACTION -> new ScopeChain(global, tenant, workflow, execution, scope, deadline);
        };
    }

    /** This chain with the earlier of its deadline and {@code next} ({@code null}: none): nested budgets only tighten. */
    ScopeChain within(Deadline next) {
        Deadline earliest = Deadline.earliest(deadline, next);
        return earliest == deadline ? this : new ScopeChain(global, tenant, workflow, execution, action, earliest);
    }

    /** The deadline of the thread's scopes; {@code null} when none was entered with one. */
    public Deadline deadline() {
        return deadline;
    }

    /** The narrowest active scope; the global one when no other is active. */
    public ActiveScope narrowest() {
        return action != null ? action
                : execution != null ? execution
                : workflow != null ? workflow
                : tenant != null ? tenant
                : global;
    }

    /** Whether no scope but the global one is entered, and no deadline. */
    boolean isOutside() {
        return tenant == null && workflow == null && execution == null && action == null && deadline == null;
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
