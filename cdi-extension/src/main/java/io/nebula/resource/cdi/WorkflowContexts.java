package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;

import java.util.concurrent.Callable;

/**
 * Enters and leaves the workflow scopes ({@link io.nebula.resource.TenantScoped},
 * {@link io.nebula.resource.WorkflowScoped}, {@link io.nebula.resource.ExecutionScoped},
 * {@link io.nebula.resource.ActionScoped}); the workflow engine calls it, tests too. Inject it:
 *
 * <pre>{@code
 * @Inject WorkflowContexts contexts;
 *
 * try (ScopeHandle s = contexts.enter("acme", "billing", "run-42", null)) {
 *     invoice.send();          // @ExecutionScoped beans and execution leases of run-42
 * }                            // run-42 ends here: its beans are destroyed, its leases released
 * }</pre>
 *
 * <p>Scopes nest Global &rarr; Tenant &rarr; Workflow &rarr; Execution &rarr; Action. A {@code null}
 * argument keeps the thread's current scope at that level, so enters nest:
 * {@code enter("acme", null, null, null)} then, inside it, {@code enter(null, "billing", "run-42", null)}.
 * Naming a different scope at some level leaves the narrower current ones out: entering workflow
 * {@code "refunds"} inside execution {@code run-42} of {@code "billing"} is not inside that execution.
 *
 * <p>A scope is identified by its names and its parents' names: two threads that enter
 * {@code ("acme", "billing", "run-42")} are in the same execution scope and share its beans and leases.
 * The scope ends when the last thread leaves it.
 */
public interface WorkflowContexts {

    /** Enters the given scopes on this thread; {@code null} keeps the current one at that level. */
    ScopeHandle enter(String tenant, String workflow, String execution, String action);

    /** Same as {@link #enter(String, String, String, String)} with the context's four names. */
    default ScopeHandle enter(ResourceContext context) {
        return enter(context.tenant(), context.workflow(), context.execution(), context.action());
    }

    /** The scopes this thread is in; {@link ResourceContext#GLOBAL} when none. */
    ResourceContext current();

    /** Captures this thread's scopes, to run work in them on another thread. */
    ContextSnapshot capture();

    /** A task that runs in this thread's current scopes, whichever thread runs it. */
    default Runnable wrap(Runnable task) {
        ContextSnapshot snapshot = capture();
        return () -> snapshot.run(task);
    }

    /** A task that runs in this thread's current scopes, whichever thread runs it. */
    default <V> Callable<V> wrap(Callable<V> task) {
        ContextSnapshot snapshot = capture();
        return () -> snapshot.call(task);
    }
}
