package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.action.ActionInterceptor;
import io.nebula.resource.cdi.action.ActionScopes;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.cdi.config.ConfigCredentialSource;
import io.nebula.resource.cdi.config.ConfiguredResources;
import io.nebula.resource.cdi.inject.ClientProxies;
import io.nebula.resource.cdi.inject.ResourceBeans;
import io.nebula.resource.cdi.inject.ResourceInjectionPoint;
import io.nebula.resource.cdi.inject.Views;
import io.nebula.resource.cdi.integration.TelemetryBackends;
import io.nebula.resource.cdi.integration.health.HealthApi;
import io.nebula.resource.cdi.integration.health.HealthCheckBeans;
import io.nebula.resource.cdi.scope.LeaseContext;
import io.nebula.resource.cdi.scope.WorkflowScopeContext;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.audit.AuditSink;
import io.nebula.resource.core.credential.CredentialSources;
import io.nebula.resource.core.declared.ProviderCatalog;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.ResourceDeclarations;
import io.nebula.resource.core.declared.Tenancy;
import io.nebula.resource.core.declared.TenantOverrides;
import io.nebula.resource.core.telemetry.SemanticConventions;
import io.nebula.resource.spi.CredentialSource;
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

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    static final String AUDIT_ENABLED = AuditSink.ENABLED;

    private final Queue<ResourceInjectionPoint> injectionPoints = new ConcurrentLinkedQueue<>();
    private final Queue<ActionUse> actionUses = new ConcurrentLinkedQueue<>();
    private volatile ResourceRuntime runtime;
    /** {@value TelemetryBackends#SEMCONV}, read with the rest of the configuration. */
    private volatile boolean semconv;

    /** Where an {@code @Action} names a resource, for the deployment check. */
    private record ActionUse(String resource, String where) {
    }

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
                actionUses.add(new ActionUse(r, "@Action on " + type.getJavaClass().getName()));
            }
        }
        for (AnnotatedMethod<? super T> method : type.getMethods()) {
            Action action = method.getAnnotation(Action.class);
            if (action != null) {
                for (String r : action.resources()) {
                    actionUses.add(new ActionUse(r, "@Action on " + type.getJavaClass().getName() + "#"
                            + method.getJavaMember().getName()));
                }
            }
        }
    }

    void recordInjectionPoint(@Observes ProcessInjectionPoint<?, ?> pip) {
        ResourceInjectionPoint.of(pip.getInjectionPoint()).ifPresent(injectionPoints::add);
    }

    void registerResources(@Observes AfterBeanDiscovery abd, BeanManager beanManager) {
        ConfigProblems problems = new ConfigProblems();
        Config config;
        try {
            config = ConfigProvider.getConfig();
        } catch (RuntimeException e) {
            abd.addDefinitionError(new IllegalStateException("NEBULA-1040 Nebula resources are configured with "
                    + "MicroProfile Config, but no implementation of it is available to the application", e));
            return;
        }
        ProviderCatalog providers = ProviderCatalog.load();
        Map<String, ResourceSettings> settings = ConfiguredResources.read(config, problems);

        Map<String, ResourceDeclaration> declared = new LinkedHashMap<>();
        Map<String, List<String>> dependencies = new LinkedHashMap<>();
        for (ResourceSettings s : settings.values()) {
            ResourceDeclaration.parse(s, providers, problems).ifPresent(d -> declared.put(d.name(), d));
            dependencies.put(s.name(), ResourceDeclarations.dependsOn(s));
        }
        DependencyGraph graph = ResourceDeclarations.graph(dependencies, problems);
        ResourceDeclarations.fallbacks(declared, settings.keySet(), problems);
        checkInjectionPoints(settings, declared, problems);
        checkActions(settings, problems);
        EventSink events = new EventSink(beanManager);
        Tenancy tenancy = tenancy(config, events, beanManager, problems);
        semconv = flag(config, TelemetryBackends.SEMCONV, SemanticConventions.BY_DEFAULT, problems);
        problems.addAll(tenancy.problems(declared));

        if (!problems.isEmpty()) {
            abd.addDefinitionError(new ConfigurationInvalidException(problems.list()));
            return;
        }
        ResourceRuntime rt = new ResourceRuntime(providers, declared.values(), graph, events, tenancy);
        for (WorkflowScopeContext context : WorkflowScopeContext.all(rt.scopes())) {
            abd.addContext(context);
        }
        abd.addContext(new LeaseContext(name -> rt.resource(name).boundScope(rt.scopes().chain())));
        ResourceBeans.register(abd, rt.all(), rt.scopes(), injectionPoints);
        addRuntimeBeans(abd, rt);
        if (HealthApi.AVAILABLE) {
            HealthCheckBeans.register(abd, rt.names(), rt::report);
        }
        runtime = rt;
    }

    /**
     * The runtime's beans: the public API ({@link io.nebula.resource.Resources}, {@link WorkflowContexts},
     * {@link ResourceStatistics}) and what the {@code @Action} interceptor uses ({@link ActionScopes}).
     */
    private static void addRuntimeBeans(AfterBeanDiscovery abd, ResourceRuntime rt) {
        addBean(abd, "resources", Resources.class, rt.api());
        addBean(abd, "contexts", WorkflowContexts.class, rt.scopes());
        addBean(abd, "statistics", ResourceStatistics.class, (ResourceStatistics) rt::figures);
        addBean(abd, "actions", ActionScopes.class, (ActionScopes) rt::enterAction);
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

    /**
     * What the resources share for tenancy, credentials and audit: the tenant overrides, the installed credential
     * sources with MicroProfile Config's {@code config} as the default, and where audit records go (a CDI event and
     * the logger {@value AuditRecord#LOGGER}, unless {@code nebula.audit.enabled=false}). What cannot be read is
     * added to {@code problems}.
     */
    private static Tenancy tenancy(Config config, EventSink events, BeanManager beanManager, ConfigProblems problems) {
        TenantOverrides overrides = ConfiguredResources.tenantOverrides(config, problems);
        Map<String, CredentialSource> sources = new HashMap<>(CredentialSources.installed(NebulaExtension.class.getClassLoader()));
        sources.put(ConfigCredentialSource.NAME, new ConfigCredentialSource(config));
        boolean audit = flag(config, AUDIT_ENABLED, AuditSink.ENABLED_BY_DEFAULT, problems);
        AuditSink sink = audit ? new AuditSink(events::fire, events::observesAuditRecords) : null;
        return new Tenancy(overrides, sources, ConfigCredentialSource.NAME, sink, new CallerPrincipal(beanManager));
    }

    /**
     * A global {@code true|false} key. Read as text: MicroProfile Config's boolean converter takes any other word
     * for {@code false} (and SmallRye's {@code yes} or {@code on} for {@code true}), so a typo would switch silently.
     */
    private static boolean flag(Config config, String key, boolean otherwise, ConfigProblems problems) {
        Optional<String> value;
        try {
            value = config.getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            problems.add(key, "must be true or false");
            return otherwise;
        }
        if (value.isEmpty() || value.get().isBlank()) {
            return otherwise;
        }
        String v = value.get().trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            problems.add(key, "must be true or false, was '" + v + "'");
            return otherwise;
        }
        return Boolean.parseBoolean(v);
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

    private void checkInjectionPoints(Map<String, ResourceSettings> settings, Map<String, ResourceDeclaration> declared,
                                      ConfigProblems problems) {
        for (ResourceInjectionPoint ip : injectionPoints) {
            String kindKey = ResourceSettings.PREFIX + ip.name() + "." + ResourceDeclaration.KIND;
            if (!settings.containsKey(ip.name())) {
                problems.add(kindKey, "is not set, but " + ip.where() + " injects resource '" + ip.name()
                        + "'; declare it in MicroProfile Config (declared resources: " + namesOf(settings) + ")");
                continue;
            }
            ResourceDeclaration d = declared.get(ip.name());
            Class<?> wanted = ip.instanceClass();
            if (d != null && wanted != null && Views.viewFor(d.provider(), wanted) == null) {
                problems.add(kindKey, ip.where() + " injects resource '" + ip.name() + "' as " + ip.typeName()
                        + ", but its provider (kind " + d.settings().kind() + ") makes " + Views.describe(d.provider()));
            } else if (d != null) {
                ClientProxies.check(ip, d, problems);
            }
        }
    }

    private void checkActions(Map<String, ResourceSettings> settings, ConfigProblems problems) {
        for (ActionUse use : actionUses) {
            if (!settings.containsKey(use.resource())) {
                problems.add(ResourceSettings.PREFIX + use.resource() + "." + ResourceDeclaration.KIND, "is not set, but "
                        + use.where() + " uses resource '" + use.resource() + "'; declare it in MicroProfile Config "
                        + "(declared resources: " + namesOf(settings) + ")");
            }
        }
    }

    private static String namesOf(Map<String, ResourceSettings> settings) {
        return settings.isEmpty() ? "none" : String.join(", ", settings.keySet());
    }
}
