package io.nebula.resource.core.declared;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.pipeline.Fallback;
import io.nebula.resource.core.pipeline.WovenPool;

import java.time.Duration;

/**
 * A declared resource as the {@code fallback} of another: looked up by name when first needed, so it starts (lazily,
 * as any resource) only when the resource it stands in for is down. Deployment checked that it is declared, of the
 * same scope and type, and has no fallback of its own.
 */
final class DeclaredFallback implements Fallback {

    private final ResourceRegistry<?> registry;
    private final String name;

    DeclaredFallback(ResourceRegistry<?> registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Lease<?> lease(Duration timeout, ResourceContext ctx) {
        return registry.resource(name).pools().acquire(timeout, ctx);
    }

    @Override
    public Object handOut(ResourceContext ctx) throws Exception {
        DeclaredPools<?> fallback = registry.resource(name).pools();
        ResourcePool<?> pool = fallback.poolFor(ctx);
        if (pool == null) { // a tenant's pool not made yet: a lease makes it
            fallback.acquire(null, ctx).close();
            pool = fallback.poolFor(ctx);
        }
        if (!(pool instanceof WovenPool<?> woven)) {
            throw new IllegalStateException("Resource '" + name + "' has no pipeline to hand out through");
        }
        return woven.handOut(ctx, registry.context());
    }

    @Override
    public String toString() {
        return "Fallback[" + name + "]";
    }
}
