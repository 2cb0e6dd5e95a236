package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;

/**
 * The scopes a thread entered with {@link WorkflowContexts#enter}. Closing it leaves them: the thread
 * returns to the scopes it was in before, and a scope that no thread is in any more ends, which
 * destroys its beans and releases its leases. Close it on the thread that entered, in a
 * try-with-resources block; closing twice does nothing.
 */
public interface ScopeHandle extends AutoCloseable {

    /** The tenant, workflow, execution and action this handle entered. */
    ResourceContext context();

    @Override
    void close();
}
