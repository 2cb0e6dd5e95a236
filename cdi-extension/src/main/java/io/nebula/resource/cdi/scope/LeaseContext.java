package io.nebula.resource.cdi.scope;

import io.nebula.resource.NebulaResource;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.Bean;

import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The context of the injected proxies of leased resources. The container asks it for the instance
 * behind a proxy on every call; it answers from the scope that the resource's lease is bound to on the
 * calling thread (the action, the execution, ...), creating it there (and so taking the lease) on
 * first use. When that scope ends, the instance is forgotten and the lease released.
 */
public final class LeaseContext implements AlterableContext {

    private final Function<String, ActiveScope> boundScope;
    private final Map<Contextual<?>, String> resourceNames = new ConcurrentHashMap<>();

    /** @param boundScope the scope a resource's lease is bound to on the calling thread, by resource name */
    public LeaseContext(Function<String, ActiveScope> boundScope) {
        this.boundScope = boundScope;
    }

    @Override
    public Class<? extends Annotation> getScope() {
        return ResourceLeaseScoped.class;
    }

    /** Always active: with no workflow scope entered, leases are bound to the global scope. */
    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public <T> T get(Contextual<T> contextual, CreationalContext<T> creationalContext) {
        return scopeOf(contextual).get(contextual, creationalContext);
    }

    @Override
    public <T> T get(Contextual<T> contextual) {
        return scopeOf(contextual).getIfExists(contextual);
    }

    @Override
    public void destroy(Contextual<?> contextual) {
        scopeOf(contextual).destroy(contextual);
    }

    private ActiveScope scopeOf(Contextual<?> contextual) {
        String name = resourceNames.computeIfAbsent(contextual, LeaseContext::resourceName);
        return boundScope.apply(name);
    }

    private static String resourceName(Contextual<?> contextual) {
        if (contextual instanceof Bean<?> bean) {
            for (Annotation q : bean.getQualifiers()) {
                if (q instanceof NebulaResource r) {
                    return r.value();
                }
            }
        }
        throw new IllegalArgumentException("Not a Nebula resource bean: " + contextual);
    }
}
