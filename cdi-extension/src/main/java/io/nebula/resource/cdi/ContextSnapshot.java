package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;

import java.util.concurrent.Callable;

/**
 * The scopes of one thread, captured with {@link WorkflowContexts#capture()} so that work handed to
 * another thread runs in the same tenant, workflow, execution and action: it sees the same scoped beans
 * and the same leases.
 *
 * <p>A snapshot does not keep its scopes alive: run the work before the capturing thread leaves them
 * (join the tasks an action starts before the action returns). Attaching to a scope that has ended
 * throws {@link jakarta.enterprise.context.ContextNotActiveException}.
 */
public interface ContextSnapshot {

    /** The captured tenant, workflow, execution and action. */
    ResourceContext context();

    /** Makes the captured scopes current on this thread until the handle is closed. */
    ScopeHandle attach();

    @SuppressWarnings("try")
    default void run(Runnable task) {
        try (ScopeHandle ignored = attach()) {
            task.run();
        }
    }

    @SuppressWarnings("try")
    default <V> V call(Callable<V> task) throws Exception {
        try (ScopeHandle ignored = attach()) {
            return task.call();
        }
    }
}
