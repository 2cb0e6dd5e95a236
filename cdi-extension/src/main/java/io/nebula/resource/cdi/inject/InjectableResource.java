package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.cdi.scope.ActiveScope;
import io.nebula.resource.cdi.scope.ScopeChain;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;

/** A declared resource as its synthetic beans serve it: the runtime's resources implement it. */
public interface InjectableResource {

    String name();

    ResourceProvider<?> provider();

    /** Whether injection points get the one shared instance itself rather than a proxy to a scoped lease. */
    boolean sharesOneInstance();

    /** The instance, seen as {@code view}, for a thread in {@code chain}. */
    Object instance(Class<?> view, ScopeChain chain);

    /** A lease the caller holds, seen as {@code view}. {@code timeout} null means the configured one. */
    Lease<?> lease(Class<?> view, Duration timeout, ResourceContext context);

    /** The scope a lease of this resource is bound to on a thread in {@code chain}. */
    ActiveScope boundScope(ScopeChain chain);

    /** The type an injection point or lookup of {@code requested} is served as: the provider's type or one of its views. */
    default Class<?> viewFor(Class<?> requested) {
        return Views.viewFor(provider(), requested);
    }
}
