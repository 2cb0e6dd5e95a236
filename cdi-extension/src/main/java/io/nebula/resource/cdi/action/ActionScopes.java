package io.nebula.resource.cdi.action;

import io.nebula.resource.Deadline;
import io.nebula.resource.cdi.ScopeHandle;

/**
 * What an {@code @Action} needs of the application's resources: a bean the extension adds, so the interceptor
 * reaches the running application's resources without knowing the extension.
 */
public interface ActionScopes {

    /**
     * Enters a new action scope named {@code action} on this thread, nested in its current scopes, and binds a
     * lease of each of {@code resources} there (or where its scope says), in order. When one cannot be acquired,
     * the scope is left (releasing the leases already taken) and the acquisition's exception is thrown.
     *
     * @param deadline the action's own ({@code @Action(timeout = ...)}), {@code null} for none; the earlier of it and
     *                 the thread's bounds the action's acquisitions, these leases' included
     */
    ScopeHandle enter(String action, Deadline deadline, String[] resources);
}
