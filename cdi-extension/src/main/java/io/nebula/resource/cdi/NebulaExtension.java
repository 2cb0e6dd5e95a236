package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.action.ActionInterceptor;
import io.nebula.resource.cdi.action.ActionScopes;
import io.nebula.resource.cdi.inject.ResourceBeans;
import io.nebula.resource.cdi.inject.ResourceInjectionPoint;
import io.nebula.resource.cdi.integration.TelemetryBackends;
import io.nebula.resource.cdi.integration.health.HealthApi;
import io.nebula.resource.cdi.integration.health.HealthCheckBeans;
import io.nebula.resource.cdi.scope.LeaseContext;
import io.nebula.resource.cdi.scope.WorkflowScopeContext;
import io.nebula.resource.core.audit.AuditSink;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.WithAnnotations;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The portable extension: observes, records, validates, registers.
 * <ol>
 *   <li>Before discovery it adds the library's own beans (the {@link Action} interceptor and the
 *       lifecycle observer), so an application needs no {@code beans.xml} entry for them.</li>
 *   <li>During discovery it records every {@code @NebulaResource} injection point and every resource
 *       named by an {@code @Action}.</li>
 *   <li>After discovery it reads the resources declared in MicroProfile Config, checks everything
 *       (kinds, keys, pool settings, scopes, dependencies and their cycles, each injection point and
 *       action against the declared resources) and reports every problem at once, as one
 *       {@link ConfigurationInvalidException} listing each with its key. When all is well it adds the
 *       contexts of the four workflow scopes and the synthetic beans ({@link ResourceBeans}), and, when
 *       MicroProfile Health is present, a readiness and a liveness check per resource.</li>
 *   <li>Every pool is woven with fault tolerance, health checks and telemetry ({@link Weaving}); the
 *       telemetry backends (OpenTelemetry, MicroProfile Metrics) are found once the application started.</li>
 *   <li>At application start the eager resources start, dependencies first; when the application
 *       stops, every resource drains and closes, dependents first.</li>
 * </ol>
 */
public class NebulaExtension implements Extension {

    private final Queue<ResourceInjectionPoint> injectionPoints = new ConcurrentLinkedQueue<>();
    private final Queue<Deployment.ActionUse> actionUses = new ConcurrentLinkedQueue<>();
    /** Each {@code @Action(timeout = ...)} and where it is written, checked at deployment. */
    private final Queue<Deployment.ActionTimeout> actionTimeouts = new ConcurrentLinkedQueue<>();
    private volatile ResourceRuntime runtime;
    /** {@value TelemetryBackends#SEMCONV}, read with the rest of the configuration. */
    private volatile boolean semconv;

    void addLibraryBeans(@Observes BeforeBeanDiscovery bbd, BeanManager beanManager) {
        bbd.addAnnotatedType(beanManager.createAnnotatedType(ActionInterceptor.class), ActionInterceptor.class.getName());
        bbd.addAnnotatedType(beanManager.createAnnotatedType(ApplicationLifecycle.class), ApplicationLifecycle.class.getName());
        for (Class<?> holder : TelemetryBackends.beanClasses()) {
            bbd.addAnnotatedType(beanManager.createAnnotatedType(holder), holder.getName());
        }
    }

    <T> void recordActions(@Observes @WithAnnotations(Action.class) ProcessAnnotatedType<T> pat) {
        AnnotatedType<T> type = pat.getAnnotatedType();
        Action onType = type.getAnnotation(Action.class);
        if (onType != null) {
            for (String r : onType.resources()) {
                actionUses.add(new Deployment.ActionUse(r, "@Action on " + type.getJavaClass().getName()));
            }
            if (!onType.timeout().isBlank()) {
                actionTimeouts.add(new Deployment.ActionTimeout(onType.timeout(), "@Action on " + type.getJavaClass().getName()));
            }
        }
        for (AnnotatedMethod<? super T> method : type.getMethods()) {
            Action action = method.getAnnotation(Action.class);
            if (action != null) {
                String where = "@Action on " + type.getJavaClass().getName() + "#" + method.getJavaMember().getName();
                for (String r : action.resources()) {
                    actionUses.add(new Deployment.ActionUse(r, where));
                }
                if (!action.timeout().isBlank()) {
                    actionTimeouts.add(new Deployment.ActionTimeout(action.timeout(), where));
                }
            }
        }
    }

    void recordInjectionPoint(@Observes ProcessInjectionPoint<?, ?> pip) {
        ResourceInjectionPoint.of(pip.getInjectionPoint()).ifPresent(injectionPoints::add);
    }

    void registerResources(@Observes AfterBeanDiscovery abd, BeanManager beanManager) {
        Config config;
        try {
            config = ConfigProvider.getConfig();
        } catch (RuntimeException e) {
            abd.addDefinitionError(new IllegalStateException("NEBULA-1040 Nebula resources are configured with "
                    + "MicroProfile Config, but no implementation of it is available to the application", e));
            return;
        }
        EventSink events = new EventSink(() -> beanManager);
        Deployment deployment = Deployment.read(config, injectionPoints, actionUses, actionTimeouts, events, () -> beanManager);
        semconv = deployment.semconv();
        if (!deployment.problems().isEmpty()) {
            abd.addDefinitionError(new ConfigurationInvalidException(deployment.problems()));
            return;
        }
        ResourceRuntime rt = deployment.runtime(events);
        for (WorkflowScopeContext context : WorkflowScopeContext.all(rt.scopes())) {
            abd.addContext(context);
        }
        abd.addContext(new LeaseContext(name -> rt.resource(name).boundScope(rt.scopes().chain())));
        ResourceBeans.register(abd, rt.all(), rt.scopes(), injectionPoints);
        addRuntimeBeans(abd, rt);
        if (HealthApi.AVAILABLE) {
            HealthCheckBeans.register(abd, rt.names(), rt::report);
            if (rt.cluster() != null) {
                HealthCheckBeans.registerCluster(abd, rt::cluster);
            }
        }
        runtime = rt;
    }

    /**
     * The runtime's beans: the public API ({@link io.nebula.resource.Resources}, {@link WorkflowContexts},
     * {@link ResourceStatistics}, {@link io.nebula.resource.admin.ResourceAdmin}) and what the {@code @Action} interceptor uses ({@link ActionScopes}).
     */
    private static void addRuntimeBeans(AfterBeanDiscovery abd, ResourceRuntime rt) {
        addBean(abd, "resources", Resources.class, rt.api());
        addBean(abd, "contexts", WorkflowContexts.class, rt.scopes());
        addBean(abd, "statistics", ResourceStatistics.class, (ResourceStatistics) rt::figures);
        addBean(abd, "actions", ActionScopes.class, (ActionScopes) rt::enterAction);
        addBean(abd, "admin", io.nebula.resource.admin.ResourceAdmin.class, rt.admin());
        if (rt.cluster() != null) { // a node of a cluster: what the dashboard's cluster panel reads
            addBean(abd, "cluster", io.nebula.resource.ClusterOverview.class, new ClusterOverviewBean(rt.cluster()));
        }
    }

    private static <T> void addBean(AfterBeanDiscovery abd, String id, Class<T> type, T instance) {
        abd.addBean().id(NebulaExtension.class.getName() + ":" + id)
                .types(type, Object.class).qualifiers(Any.Literal.INSTANCE, Default.Literal.INSTANCE)
                .scope(Dependent.class).createWith(cc -> instance);
    }

    /**
     * Deployment is valid and the observers are known: whether the application observes audit records is asked
     * now, once, rather than on an acquisition.
     */
    void afterDeployment(@Observes AfterDeploymentValidation adv) {
        ResourceRuntime rt = runtime;
        AuditSink audit = rt == null ? null : rt.tenancy().auditSink();
        if (audit != null) {
            audit.decide();
        }
    }

    void closeResources(@Observes BeforeShutdown event) {
        ResourceRuntime rt = runtime;
        if (rt != null) {
            rt.close();
        }
    }

    /** Whether OpenTelemetry reports {@code db.client.connection.*} ({@value TelemetryBackends#SEMCONV}). */
    boolean semconv() {
        return semconv;
    }

    /** The application's resources; {@code null} before discovery ended or when the configuration is invalid. */
    ResourceRuntime runtime() {
        return runtime;
    }
}
