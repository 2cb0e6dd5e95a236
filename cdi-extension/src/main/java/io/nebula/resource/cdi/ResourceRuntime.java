package io.nebula.resource.cdi;

import io.nebula.resource.Deadline;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceStartException;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.cdi.integration.faulttolerance.FaultToleranceLibrary;
import io.nebula.resource.cdi.integration.faulttolerance.SmallRyeAttemptGuard;
import io.nebula.resource.cdi.integration.telemetry.TraceContext;
import io.nebula.resource.cdi.scope.ScopeRegistry;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.cluster.Cluster;
import io.nebula.resource.core.declared.HealthReport;
import io.nebula.resource.core.declared.ProviderCatalog;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.ResourceRegistry;
import io.nebula.resource.core.declared.Tenancy;
import io.nebula.resource.core.declared.Weaving;
import io.nebula.resource.core.telemetry.Telemetry;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The declared resources of one application (core's {@link ResourceRegistry}, each served as a
 * {@link DeclaredResource}) with what the container adds: the live scopes, CDI events, SmallRye Fault Tolerance
 * and the trace context. Built by the extension once configuration is valid; lives until the application stops.
 */
final class ResourceRuntime {

    private final ScopeRegistry scopes = new ScopeRegistry();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventSink events;
    private final ResourceRegistry<DeclaredResource<?>> resources;
    private final NebulaResources api = new NebulaResources(this);
    private volatile ConfigRefresh refresh;
    private final Cluster cluster; // null: nebula.cluster.resource unset

    ResourceRuntime(ProviderCatalog providers, Collection<ResourceDeclaration> declared, DependencyGraph graph,
                    EventSink events, Tenancy tenancy, boolean history, Cluster cluster) {
        this.events = events;
        this.cluster = cluster;
        Weaving weaving = new Weaving(SmallRyeAttemptGuard::new, TraceContext::use);
        if (history) { // nebula.history.enabled
            weaving.history(io.nebula.resource.core.history.HistoryClock.system());
        }
        weaving.cluster(cluster); // nebula.cluster.resource: each resource's cluster.* limits in its pools
        this.resources = new ResourceRegistry<>(providers, declared, graph, tenancy, weaving, events::fire, scopes::current,
                pools -> new DeclaredResource<>(pools, scopes, this::resource));
    }

    ScopeRegistry scopes() {
        return scopes;
    }

    NebulaResources api() {
        return api;
    }

    /**
     * {@link io.nebula.resource.cdi.action.ActionScopes}: a new action scope on this thread with a lease of each
     * of {@code resources} bound, in order (a shared instance is only checked: {@link DeclaredResource#enterAction});
     * when one cannot be had, the scope is left and the failure thrown. The leases are acquired within the earlier of
     * {@code deadline} (the action's {@code timeout}, or {@code null}) and the thread's.
     */
    ScopeHandle enterAction(String action, Deadline deadline, String[] resources) {
        ScopeHandle handle = scopes.enterAction(action, deadline);
        try {
            for (String resource : resources) {
                resource(resource).enterAction(scopes.chain());
            }
            return handle;
        } catch (RuntimeException | Error e) {
            try {
                handle.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** @throws ConfigurationInvalidException naming the missing declaration */
    DeclaredResource<?> resource(String name) {
        return resources.resource(name);
    }

    Optional<DeclaredResource<?>> find(String name) {
        return resources.find(name);
    }

    Collection<DeclaredResource<?>> all() {
        return resources.all();
    }

    Set<String> names() {
        return resources.names();
    }

    /**
     * {@link io.nebula.resource.admin.ResourceAdmin}: each change recorded as made by the container's caller principal
     * ({@code system} where there is none); its {@link io.nebula.resource.event.ResourceAdminEvent} is a CDI event.
     */
    io.nebula.resource.core.declared.ResourceAdministration admin() {
        return resources.admin(resources.tenancy().principal());
    }

    /**
     * Starts the configuration refresh ({@link ConfigRefresh}) when {@code nebula.config.refresh-interval} is set;
     * the application has started. Once only.
     */
    void startRefresh(org.eclipse.microprofile.config.Config config) {
        if (refresh == null && !closed.get()) {
            ConfigRefresh r = new ConfigRefresh(config, admin(),
                    new java.util.AbstractCollection<io.nebula.resource.core.declared.DeclaredPools<?>>() {
                        @Override
                        public java.util.Iterator<io.nebula.resource.core.declared.DeclaredPools<?>> iterator() {
                            return resources.all().stream()
                                    .<io.nebula.resource.core.declared.DeclaredPools<?>>map(DeclaredResource::pools)
                                    .iterator();
                        }

                        @Override
                        public int size() {
                            return resources.all().size();
                        }
                    });
            refresh = r;
            r.start(ConfigRefresh.interval(config));
        }
    }

    /** The configuration refresh; {@code null} before the application started. */
    ConfigRefresh refresh() {
        return refresh;
    }

    /** This node of the cluster ({@code nebula.cluster.resource}); {@code null} when the application is not one. */
    Cluster cluster() {
        return cluster;
    }

    /** Tenant overrides, credential sources and the audit trail. */
    Tenancy tenancy() {
        return resources.tenancy();
    }

    /** Reports every resource through the application's telemetry backends from now on. */
    void useTelemetry(Telemetry telemetry) {
        resources.useTelemetry(telemetry);
    }

    /** What the health checks of {@code name} report, over all its pools and its derived resources'; no secret in it. */
    HealthReport report(String name) {
        return resources.report(name);
    }

    /** {@link ResourceStatistics}: the health report's figures, each tenant's pool, and the recent acquisitions. */
    ResourceFigures figures(String name) {
        return resources.figures(name);
    }

    /**
     * Starts the eager resources, dependencies first ({@link ResourceRegistry#startEager}).
     *
     * @throws ResourceStartException naming every required resource that could not start
     */
    void startEager() {
        resources.startEager();
    }

    /** Declares a resource in code ({@link ResourceRegistry#declare}): found by name, not by injection. */
    DeclaredResource<?> declare(ResourceSettings settings, Class<?> type) {
        return resources.declare(settings, type);
    }

    /** A resource like {@code name} with some keys overridden, created once per set of overrides. */
    DeclaredResource<?> derived(String name, Map<String, String> overrides) {
        return resources.derived(name, overrides);
    }

    /**
     * The application is stopping: every scope still live ends (its beans destroyed, its leases
     * released), then every resource drains and closes, dependents before their dependencies.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ConfigRefresh r = refresh;
        if (r != null) {
            r.stop();
        }
        scopes.endAll();
        try {
            resources.close();
        } finally {
            if (cluster != null) { // after the pools: their leases' permits are back, the rest is given back now
                cluster.close();
            }
        }
        FaultToleranceLibrary.shutdown();
        events.close();
    }
}
