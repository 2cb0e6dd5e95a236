package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.ActionScoped;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ExecutionScoped;
import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.TenantScoped;
import io.nebula.resource.WorkflowScoped;
import io.nebula.resource.cdi.action.ActionInterceptor;
import io.nebula.resource.cdi.inject.ResourceBeans;
import io.nebula.resource.cdi.inject.ResourceInjectionPoint;
import io.nebula.resource.cdi.integration.health.HealthApi;
import io.nebula.resource.cdi.integration.health.LiteHealthChecks;
import io.nebula.resource.cdi.scope.ResourceLeaseScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.inject.build.compatible.spi.MetaAnnotations;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.SkipIfPortableExtensionPresent;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanBuilder;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.Types;
import jakarta.enterprise.inject.spi.BeanManager;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The extension for CDI Lite containers, which run Build Compatible Extensions only (Quarkus' ArC). It does at build
 * time what {@link NebulaExtension} does after discovery, with the same code: records every {@code @NebulaResource}
 * injection point and every resource an {@code @Action} names, reads and checks the configuration
 * ({@link Deployment}: every problem under its key, reported as one {@link ConfigurationInvalidException} that fails
 * the build), and registers the same beans ({@link ResourceBeans#plan}), the four workflow scopes' contexts, the API
 * beans and, with MicroProfile Health, a readiness and a liveness check per resource. The resources themselves are
 * built when the application starts ({@link LiteRuntime}), from the configuration it runs with.
 *
 * <p>Which resources exist and of which kind is fixed at build time (the beans are), as Quarkus fixes a datasource's
 * {@code db-kind}; every other key is read again at start. Registered by the jar {@code nebula-resource-cdi-lite}, not
 * by this one: a Weld that translates build compatible extensions would run it beside the portable extension. Where
 * both are there anyway, a container that runs portable extensions skips this one.
 */
@SkipIfPortableExtensionPresent(NebulaExtension.class)
public class NebulaBuildExtension implements BuildCompatibleExtension {

    private final List<ResourceInjectionPoint> injectionPoints = new ArrayList<>();
    private final List<Deployment.ActionUse> actionUses = new ArrayList<>();
    private final List<Deployment.ActionTimeout> actionTimeouts = new ArrayList<>();

    @Discovery
    public void addLibraryBeans(MetaAnnotations meta, ScannedClasses scanned) {
        // the API jar is no bean archive: a container that knows qualifiers and bindings from its index (ArC) is told
        meta.addQualifier(NebulaResource.class);
        meta.addInterceptorBinding(Action.class);
        meta.addContext(TenantScoped.class, LiteContexts.Tenant.class);
        meta.addContext(WorkflowScoped.class, LiteContexts.Workflow.class);
        meta.addContext(ExecutionScoped.class, LiteContexts.Execution.class);
        meta.addContext(ActionScoped.class, LiteContexts.Action.class);
        meta.addContext(ResourceLeaseScoped.class, LiteContexts.Leases.class);
        scanned.add(ActionInterceptor.class.getName());
        scanned.add(LiteLifecycle.class.getName());
    }

    @Registration(types = Object.class)
    public void recordUses(BeanInfo bean) {
        for (InjectionPointInfo ip : bean.injectionPoints()) {
            LiteTypes.injectionPoint(ip).ifPresent(injectionPoints::add);
        }
        if (bean.isClassBean()) {
            actionUses.addAll(LiteTypes.actionUses(bean.declaringClass()));
            actionTimeouts.addAll(LiteTypes.actionTimeouts(bean.declaringClass()));
        }
    }

    @Synthesis
    public void registerResources(SyntheticComponents components, Types types) {
        Supplier<BeanManager> noContainer = () -> {
            throw new IllegalStateException("no bean manager while the application is built");
        };
        Deployment deployment = Deployment.read(ConfigProvider.getConfig(), injectionPoints, actionUses, actionTimeouts,
                new EventSink(noContainer), noContainer);
        // thrown rather than handed to Messages: ArC reports those only with its own validation, after the
        // unsatisfied injection points that the missing beans cause, and the problems would drown in them
        deployment.requireValid();
        List<LiteTypes.Shape> shapes = deployment.declared().values().stream().map(LiteTypes.Shape::new).toList();
        ResourceBeans plan = ResourceBeans.plan(shapes, injectionPoints);
        for (ResourceBeans.InstanceBean bean : plan.instances()) {
            SyntheticBeanBuilder<Object> b = add(components, bean.view());
            bean.types().forEach(t -> b.type(LiteTypes.of(types, t)));
            b.qualifier(NebulaResource.Literal.of(bean.resource()))
                    .scope(bean.shared() ? Dependent.class : ResourceLeaseScoped.class)
                    .withParam(LiteBeans.RESOURCE, bean.resource()).withParam(LiteBeans.VIEW, bean.view())
                    .createWith(LiteBeans.Instance.class);
        }
        for (ResourceBeans.LeaseBean bean : plan.leases()) {
            add(components, Lease.class).type(LiteTypes.of(types, bean.type()))
                    .qualifier(NebulaResource.Literal.of(bean.resource())).scope(Dependent.class)
                    .withParam(LiteBeans.RESOURCE, bean.resource()).withParam(LiteBeans.VIEW, bean.view())
                    .createWith(LiteBeans.LeaseOf.class).disposeWith(LiteBeans.Release.class);
        }
        for (LiteBeans.Api api : LiteBeans.Api.values()) {
            add(components, api.type).type(api.type).scope(Dependent.class)
                    .withParam(LiteBeans.API, api.name()).createWith(LiteBeans.ApiOf.class);
        }
        if (HealthApi.AVAILABLE) {
            LiteHealthChecks.register(components, deployment.declared().keySet());
            if (deployment.clusterResource() != null) {
                LiteHealthChecks.registerCluster(components);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static SyntheticBeanBuilder<Object> add(SyntheticComponents components, Class<?> implementation) {
        return (SyntheticBeanBuilder) components.addBean((Class) implementation);
    }
}
