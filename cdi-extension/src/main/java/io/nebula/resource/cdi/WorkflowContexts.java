package io.nebula.resource.cdi;

import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceContext;

import java.time.Duration;
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
 *
 * <p><b>Deadlines.</b> A scope may be entered with a {@link Deadline}, the time the caller has left: no acquisition
 * made inside it (a lease, an {@code @Action}'s, a JDBC {@code getConnection()}) waits, retries or backs off past it,
 * and one it leaves no time fails with {@code AcquisitionTimeoutException} reason {@code DEADLINE_EXCEEDED}. An HTTP
 * resource sends what is left of it in the {@code Nebula-Deadline-Ms} header. Deadlines nest by taking the earliest:
 * a workflow entered with 2 s and an {@code @Action(timeout = "250ms")} inside it have 250 ms; an action with 5 s in
 * it still has what is left of the 2 s. The deadline is the thread's, not the scope's: another thread in the same
 * scope keeps its own, and work {@linkplain #wrap(Runnable) wrapped} for another thread takes this one's along.
 *
 * <pre>{@code
 * try (ScopeHandle s = contexts.enter("acme", "billing", "run-42", null, Duration.ofSeconds(2))) {
 *     invoice.send();          // every acquisition of it done within 2 s of here
 * }
 * }</pre>
 */
public interface WorkflowContexts {

    /** Enters the given scopes on this thread; {@code null} keeps the current one at that level. */
    default ScopeHandle enter(String tenant, String workflow, String execution, String action) {
        return enter(tenant, workflow, execution, action, (Deadline) null);
    }

    /**
     * Enters the given scopes on this thread with a deadline ({@code null}: none beyond the thread's); {@code null}
     * names keep the current scope at that level, so {@code enter(null, null, null, null, deadline)} only tightens the
     * deadline of the scopes the thread is in. The deadline in effect is the earlier of it and the thread's.
     */
    ScopeHandle enter(String tenant, String workflow, String execution, String action, Deadline deadline);

    /** Same as {@link #enter(String, String, String, String, Deadline)} with a deadline {@code timeout} from now. */
    default ScopeHandle enter(String tenant, String workflow, String execution, String action, Duration timeout) {
        return enter(tenant, workflow, execution, action, Deadline.after(timeout));
    }

    /** Same as {@link #enter(String, String, String, String, Deadline)} with the context's four names and deadline. */
    default ScopeHandle enter(ResourceContext context) {
        return enter(context.tenant(), context.workflow(), context.execution(), context.action(), context.deadline());
    }

    /** The scopes this thread is in, with their deadline; {@link ResourceContext#GLOBAL} when none. */
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
