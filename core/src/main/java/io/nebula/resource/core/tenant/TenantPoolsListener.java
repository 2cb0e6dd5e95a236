package io.nebula.resource.core.tenant;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.core.ResourcePool;

/**
 * Hears what the set of tenant pools of one resource does. Every method is a no-op by default; they are
 * called on the thread that caused the event and must be quick. An exception thrown here is logged and
 * ignored.
 */
public interface TenantPoolsListener {

    /** A tenant's pool was made, before its first acquisition. */
    default void onPoolOpened(String tenant, ResourcePool<?> pool) {
    }

    /**
     * A tenant's pool is about to be closed, for the {@code reason} {@link #onPoolClosed} will give: what hears
     * the pool can tell its closing from a failure.
     */
    default void onPoolClosing(String tenant, String reason) {
    }

    /**
     * A tenant's pool was closed: {@code idle} (no lease for {@code tenant.idle-timeout}), {@code lru} (closed
     * to make room under {@code tenant.max-pools} or {@code tenant.max-instances}) or {@code shutdown}.
     */
    default void onPoolClosed(String tenant, String reason) {
    }

    /** A request was refused before it reached a pool: a quota, a limit, or no valid tenant. */
    default void onDenied(ResourceContext ctx, ResourceException error) {
    }
}
