package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.cdi.scope.ActiveScope;
import io.nebula.resource.cdi.scope.ResourceLeaseScoped;
import io.nebula.resource.cdi.scope.ScopeChain;
import io.nebula.resource.cdi.scope.ScopeRegistry;
import io.nebula.resource.spi.ResourceProvider;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Registers the synthetic beans: for every declared resource, one bean per type it can be injected as
 * (its provider's type, each view, and {@code Lease<>} of each), so that lookups with
 * {@code Instance.select} find them without any injection point; plus one per other type an injection
 * point asks for (a supertype, a parameterized type).
 *
 * <ul>
 *   <li>A resident resource of global scope is injected as its shared instance ({@code @Dependent}); when that
 *       instance cannot be had as the bean is made (the backend is down), as a {@link StandIn} that has it at
 *       its first use, so making the bean never fails because of a backend.</li>
 *   <li>Any other resource is injected as a proxy whose instance comes from the lease bound to the
 *       caller's current scope ({@link ResourceLeaseScoped}).</li>
 *   <li>{@code Lease<T>} injects a lease of the injecting bean's own ({@code @Dependent}), closed when that
 *       bean is destroyed or when the scope it was bound to ends, whichever comes first.</li>
 * </ul>
 */
public final class ResourceBeans {

    private final AfterBeanDiscovery abd;
    private final ScopeRegistry scopes;
    private final Map<InjectableResource, Map<Class<?>, Set<Type>>> instanceTypes = new LinkedHashMap<>();
    private final Map<InjectableResource, Map<String, LeaseBean>> leaseTypes = new LinkedHashMap<>();

    private record LeaseBean(Type type, Class<?> view) {
    }

    private ResourceBeans(AfterBeanDiscovery abd, ScopeRegistry scopes) {
        this.abd = abd;
        this.scopes = scopes;
    }

    /** @param injectionPoints every injection point of a declared resource: each names one of {@code resources} */
    public static void register(AfterBeanDiscovery abd, Collection<? extends InjectableResource> resources, ScopeRegistry scopes,
                                Collection<ResourceInjectionPoint> injectionPoints) {
        ResourceBeans beans = new ResourceBeans(abd, scopes);
        Map<String, InjectableResource> byName = new LinkedHashMap<>();
        for (InjectableResource resource : resources) {
            byName.put(resource.name(), resource);
            ResourceProvider<?> provider = resource.provider();
            beans.instance(resource, provider.type(), provider.type());
            beans.lease(resource, new LeaseType(provider.type()), provider.type());
            for (Class<?> view : provider.views()) {
                beans.instance(resource, view, view);
                beans.lease(resource, new LeaseType(view), view);
            }
        }
        for (ResourceInjectionPoint ip : injectionPoints) {
            if (!concrete(ip.type())) {
                continue; // Lease<?> and the like are served by the beans above
            }
            InjectableResource resource = byName.get(ip.name());
            Class<?> wanted = ip.instanceClass();
            Class<?> view = wanted == null ? resource.provider().type() : resource.viewFor(wanted);
            if (ip.wantsLease()) {
                beans.lease(resource, ip.type(), view);
            } else {
                beans.instance(resource, ip.type(), view);
            }
        }
        beans.instanceTypes.forEach((resource, byView) -> byView.forEach((view, types) -> beans.addInstanceBean(resource, view, types)));
        beans.leaseTypes.forEach((resource, byType) -> byType.values().forEach(l -> beans.addLeaseBean(resource, l.type(), l.view())));
    }

    /**
     * One bean per view of a resource, with every type that view is injected as (its own, and the
     * supertypes and parameterized types injection points ask for): so each type has one bean, and the
     * container proxies the most specific of them.
     */
    private void instance(InjectableResource resource, Type type, Class<?> view) {
        instanceTypes.computeIfAbsent(resource, r -> new LinkedHashMap<>())
                .computeIfAbsent(view, v -> new LinkedHashSet<>()).add(type);
    }

    private void lease(InjectableResource resource, Type type, Class<?> view) {
        leaseTypes.computeIfAbsent(resource, r -> new LinkedHashMap<>()).putIfAbsent(TypeNames.of(type), new LeaseBean(type, view));
    }

    private void addInstanceBean(InjectableResource resource, Class<?> view, Set<Type> types) {
        abd.addBean().id(id(resource, view))
                .types(types)
                .qualifiers(NebulaResource.Literal.of(resource.name()), Any.Literal.INSTANCE)
                .scope(resource.sharesOneInstance() ? Dependent.class : ResourceLeaseScoped.class)
                .createWith(cc -> resource.sharesOneInstance() ? StandIn.inject(resource, view, scopes)
                        : resource.instance(view, scopes.chain()));
    }

    private void addLeaseBean(InjectableResource resource, Type type, Class<?> view) {
        abd.<Lease<?>>addBean().id(id(resource, type))
                .types(type)
                .qualifiers(NebulaResource.Literal.of(resource.name()), Any.Literal.INSTANCE)
                .scope(Dependent.class)
                .createWith(cc -> {
                    ScopeChain chain = scopes.chain();
                    Lease<?> lease = resource.lease(view, null, chain.context());
                    ActiveScope bound = resource.boundScope(chain);
                    if (bound != scopes.global()) {
                        bound.closeAtEnd(lease);
                    }
                    return lease;
                })
                .destroyWith((lease, cc) -> lease.close());
    }

    private static String id(InjectableResource resource, Type type) {
        return "nebula-resource:" + resource.name() + ":" + TypeNames.of(type);
    }

    /** No wildcard or type variable: a type a bean can have. */
    private static boolean concrete(Type type) {
        if (type instanceof WildcardType || type instanceof TypeVariable<?>) {
            return false;
        }
        return !(type instanceof ParameterizedType p) || Arrays.stream(p.getActualTypeArguments()).allMatch(ResourceBeans::concrete);
    }
}
