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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The synthetic beans of the declared resources: for every declared resource, one bean per type it can be injected
 * as (its provider's type, each view, and {@code Lease<>} of each), so that lookups with {@code Instance.select} find
 * them without any injection point; plus one per other type an injection point asks for (a supertype, a
 * parameterized type). Planned here once ({@link #plan}) for both extensions: the portable one registers the plan
 * with {@link #register}, the build compatible one with CDI Lite's synthetic components.
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

    /**
     * The bean of one view of a resource, with every type that view is injected as (its own, and the supertypes and
     * parameterized types injection points ask for): so each type has one bean, and the container proxies the most
     * specific of them. {@code shared}: the resource's one instance, {@code @Dependent}; otherwise a client proxy
     * of scope {@link ResourceLeaseScoped}.
     */
    public record InstanceBean(String resource, Class<?> view, Set<Type> types, boolean shared) {

        public String id() {
            return ResourceBeans.id(resource, view);
        }
    }

    /** The {@code @Dependent} bean of a {@code Lease<T>} of a resource, {@code T} served as {@code view}. */
    public record LeaseBean(String resource, Type type, Class<?> view) {

        public String id() {
            return ResourceBeans.id(resource, type);
        }
    }

    private final Map<ResourceShape, Map<Class<?>, Set<Type>>> instanceTypes = new LinkedHashMap<>();
    private final Map<ResourceShape, Map<String, LeaseBean>> leaseTypes = new LinkedHashMap<>();

    private ResourceBeans() {
    }

    /** @param injectionPoints every injection point of a declared resource: each names one of {@code resources} */
    public static ResourceBeans plan(Collection<? extends ResourceShape> resources, Collection<ResourceInjectionPoint> injectionPoints) {
        ResourceBeans beans = new ResourceBeans();
        Map<String, ResourceShape> byName = new LinkedHashMap<>();
        for (ResourceShape resource : resources) {
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
            ResourceShape resource = byName.get(ip.name());
            Class<?> wanted = ip.instanceClass();
            Class<?> view = wanted == null ? resource.provider().type() : resource.viewFor(wanted);
            if (ip.wantsLease()) {
                beans.lease(resource, ip.type(), view);
            } else {
                beans.instance(resource, ip.type(), view);
            }
        }
        return beans;
    }

    public List<InstanceBean> instances() {
        List<InstanceBean> all = new ArrayList<>();
        instanceTypes.forEach((resource, byView) -> byView.forEach((view, types) ->
                all.add(new InstanceBean(resource.name(), view, types, resource.sharesOneInstance()))));
        return all;
    }

    public List<LeaseBean> leases() {
        List<LeaseBean> all = new ArrayList<>();
        leaseTypes.values().forEach(byType -> all.addAll(byType.values()));
        return all;
    }

    /** Registers the beans with a portable extension's {@link AfterBeanDiscovery}. */
    public static void register(AfterBeanDiscovery abd, Collection<? extends InjectableResource> resources, ScopeRegistry scopes,
                                Collection<ResourceInjectionPoint> injectionPoints) {
        Map<String, InjectableResource> byName = new LinkedHashMap<>();
        resources.forEach(r -> byName.put(r.name(), r));
        ResourceBeans plan = plan(resources, injectionPoints);
        for (InstanceBean bean : plan.instances()) {
            InjectableResource resource = byName.get(bean.resource());
            abd.addBean().id(bean.id())
                    .types(bean.types())
                    .qualifiers(NebulaResource.Literal.of(bean.resource()), Any.Literal.INSTANCE)
                    .scope(bean.shared() ? Dependent.class : ResourceLeaseScoped.class)
                    .createWith(cc -> instance(resource, bean.view(), scopes));
        }
        for (LeaseBean bean : plan.leases()) {
            InjectableResource resource = byName.get(bean.resource());
            abd.<Lease<?>>addBean().id(bean.id())
                    .types(bean.type())
                    .qualifiers(NebulaResource.Literal.of(bean.resource()), Any.Literal.INSTANCE)
                    .scope(Dependent.class)
                    .createWith(cc -> lease(resource, bean.view(), scopes))
                    .destroyWith((lease, cc) -> lease.close());
        }
    }

    /** What an instance bean of {@code resource} makes: the shared instance (or its stand-in), or the scoped lease's. */
    public static Object instance(InjectableResource resource, Class<?> view, ScopeRegistry scopes) {
        return resource.sharesOneInstance() ? StandIn.inject(resource, view, scopes) : resource.instance(view, scopes.chain());
    }

    /** What a lease bean makes: a lease of the injecting bean's own, also closed when the scope it is bound to ends. */
    public static Lease<?> lease(InjectableResource resource, Class<?> view, ScopeRegistry scopes) {
        ScopeChain chain = scopes.chain();
        Lease<?> lease = resource.lease(view, null, chain.context());
        ActiveScope bound = resource.boundScope(chain);
        if (bound != scopes.global()) {
            bound.closeAtEnd(lease);
        }
        return lease;
    }

    private void instance(ResourceShape resource, Type type, Class<?> view) {
        instanceTypes.computeIfAbsent(resource, r -> new LinkedHashMap<>())
                .computeIfAbsent(view, v -> new LinkedHashSet<>()).add(type);
    }

    private void lease(ResourceShape resource, Type type, Class<?> view) {
        leaseTypes.computeIfAbsent(resource, r -> new LinkedHashMap<>()).putIfAbsent(TypeNames.of(type), new LeaseBean(resource.name(), type, view));
    }

    private static String id(String resource, Type type) {
        return "nebula-resource:" + resource + ":" + TypeNames.of(type);
    }

    /** No wildcard or type variable: a type a bean can have. */
    private static boolean concrete(Type type) {
        if (type instanceof WildcardType || type instanceof TypeVariable<?>) {
            return false;
        }
        return !(type instanceof ParameterizedType p) || Arrays.stream(p.getActualTypeArguments()).allMatch(ResourceBeans::concrete);
    }
}
