package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.cdi.scope.ActiveScope;
import io.nebula.resource.cdi.scope.ScopeChain;

import java.time.Duration;

/** A declared resource as its synthetic beans serve it: the runtime's resources implement it. */
public interface InjectableResource extends ResourceShape {

    /** The instance, seen as {@code view}, for a thread in {@code chain}. */
    Object instance(Class<?> view, ScopeChain chain);

    /**
     * The shared instance (of a resource that {@linkplain #sharesOneInstance shares one}), seen as {@code view}, for an
     * injection point: the live one, or one made now when the backend is not known to be down. {@code null} when there
     * is none to be had without waiting on a backend known to be down (the resource is failed, its circuit open or
     * it is quarantined) or when making one failed: the bean then gets a {@link StandIn}. Never throws because of the
     * backend: only when the resource is closed, or its pool cannot be built (a configuration problem).
     */
    Object liveInstance(Class<?> view, ScopeChain chain);

    /**
     * For a {@link StandIn} whose resource's own instance could not be had ({@code refusal}): the instance of the
     * resource's fallback, seen as {@code view}, for one call, while the resource is down; {@code null} when it has
     * none or the refusal does not say it is down.
     */
    default Object fallbackInstance(Class<?> view, ScopeChain chain, io.nebula.resource.ResourceException refusal) {
        return null;
    }

    /** A lease the caller holds, seen as {@code view}. {@code timeout} null means the configured one. */
    Lease<?> lease(Class<?> view, Duration timeout, ResourceContext context);

    /** The scope a lease of this resource is bound to on a thread in {@code chain}. */
    ActiveScope boundScope(ScopeChain chain);
}
