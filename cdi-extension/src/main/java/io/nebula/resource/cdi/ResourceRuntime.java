package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceStartException;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.cdi.integration.faulttolerance.FaultToleranceLibrary;
import io.nebula.resource.cdi.integration.faulttolerance.SmallRyeAttemptGuard;
import io.nebula.resource.cdi.integration.telemetry.TraceContext;
import io.nebula.resource.cdi.scope.ScopeRegistry;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.HealthTracker;
import io.nebula.resource.core.declared.HealthReport;
import io.nebula.resource.core.declared.LivePools;
import io.nebula.resource.core.declared.PoolEvents;
import io.nebula.resource.core.declared.ProviderCatalog;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.Tenancy;
import io.nebula.resource.core.declared.Weaving;
import io.nebula.resource.core.declared.ResourceDeclarations;
import io.nebula.resource.core.telemetry.Telemetry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The declared resources of one application and what they share: the live scopes, the dependency
 * graph, health and events. Built by the extension once configuration is valid; lives until the
 * application stops.
 */
final class ResourceRuntime {

    private static final System.Logger LOG = System.getLogger(ResourceRuntime.class.getName());

    private final ProviderCatalog providers;
    private final ScopeRegistry scopes = new ScopeRegistry();
    private final Map<String, DeclaredResource<?>> resources = new ConcurrentHashMap<>();
    private final Map<DerivedKey, DeclaredResource<?>> derived = new ConcurrentHashMap<>();
    private final AtomicInteger derivations = new AtomicInteger();
    private final ReentrantLock declaring = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventSink events;
    private final HealthTracker health;
    private final NebulaResources api = new NebulaResources(this);
    private final Weaving weaving = new Weaving(SmallRyeAttemptGuard::new, TraceContext::use);
    private volatile Tenancy tenancy;
    private volatile DependencyGraph graph;

    ResourceRuntime(ProviderCatalog providers, Collection<ResourceDeclaration> declared, DependencyGraph graph, EventSink events) {
        this.providers = providers;
        this.graph = graph;
        this.events = events;
        for (ResourceDeclaration d : declared) {
            resources.put(d.name(), new DeclaredResource<>(d, this, ""));
        }
        this.health = new HealthTracker(graph, List.copyOf(resources.keySet()));
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
     * when one cannot be had, the scope is left and the failure thrown.
     */
    ScopeHandle enterAction(String action, String[] resources) {
        ScopeHandle handle = scopes.enterAction(action);
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
        DeclaredResource<?> r = resources.get(name);
        if (r == null) {
            throw new ConfigurationInvalidException(List.of(new ConfigProblem(ResourceSettings.PREFIX + name + ".kind",
                    "is not set: no resource named '" + name + "' is declared; declared resources: " + names())));
        }
        return r;
    }

    Optional<DeclaredResource<?>> find(String name) {
        return Optional.ofNullable(resources.get(name));
    }

    Collection<DeclaredResource<?>> all() {
        return resources.values();
    }

    Set<String> names() {
        return new TreeSet<>(resources.keySet());
    }

    HealthStatus health(String name) {
        return health.health(name);
    }

    /** Tenant overrides, credential sources and the audit trail; set by the extension before any pool starts. */
    Tenancy tenancy() {
        Tenancy t = tenancy;
        if (t == null) {
            throw new IllegalStateException("NEBULA-1041 Resources are used before the extension finished deployment");
        }
        return t;
    }

    void tenancy(Tenancy tenancy) {
        this.tenancy = tenancy;
    }

    /** Fault tolerance, health and telemetry around every pool. */
    Weaving weaving() {
        return weaving;
    }

    /** Reports every resource through the application's telemetry backends from now on. */
    void useTelemetry(Telemetry telemetry) {
        List<LivePools> live = new ArrayList<>();
        resources.values().forEach(r -> live.add(r.live()));
        derived.values().forEach(r -> live.add(r.live()));
        weaving.use(telemetry, live);
    }

    /** What the health checks of {@code name} report, over all its pools and its derived resources'; no secret in it. */
    HealthReport report(String name) {
        DeclaredResource<?> r = resource(name);
        return live(name).report(r.declaration(), r.state(), health(name), r.pool());
    }

    /** {@link ResourceStatistics}: the health report's figures, each tenant's pool, and the recent acquisitions. */
    ResourceFigures figures(String name) {
        return live(name).figures(report(name));
    }

    /** The live pools that report under {@code name}: its own and those of the resources derived from it. */
    private LivePools live(String name) {
        List<LivePools> each = new ArrayList<>();
        each.add(resource(name).live());
        derived.forEach((key, r) -> {
            if (key.name().equals(name)) {
                each.add(r.live());
            }
        });
        return LivePools.of(each);
    }

    PoolEvents poolEvents(String resource, String pool) {
        return new PoolEvents(resource, pool, events::fire, health);
    }

    /** Starts what {@code name} depends on, dependencies first, before it starts itself. */
    void startDependenciesOf(String name) {
        DependencyGraph g = graph;
        Set<String> needed = new HashSet<>(g.dependenciesOf(name));
        for (String dependency : g.startOrder()) {
            if (needed.contains(dependency)) {
                resource(dependency).start();
            }
        }
    }

    /**
     * Starts the eager resources, dependencies first, each proven by creating and checking an instance. One whose
     * backend is down is logged ({@code NEBULA-1005}), reported DOWN and recovered in the background; with
     * {@code start.required=true} the application fails to start instead, after every eager resource was tried.
     *
     * @throws ResourceStartException naming every required resource that could not start
     */
    void startEager() {
        List<String> failedRequired = new ArrayList<>();
        Throwable firstCause = null;
        for (String name : graph.startOrder()) {
            DeclaredResource<?> r = resources.get(name);
            if (r != null && r.declaration().eager()) {
                HealthStatus status;
                Throwable cause = null;
                try {
                    status = r.startEagerly();
                } catch (RuntimeException e) {
                    status = HealthStatus.down(e);
                    cause = e;
                }
                if (status.status() != HealthStatus.Status.DOWN) {
                    LOG.log(INFO, "NEBULA-1004 Resource ''{0}'' started at application start", name);
                    continue;
                }
                String why = io.nebula.resource.core.telemetry.Redactor.of(r.declaration().settings())
                        .redact(status.message().orElse("its check failed"));
                if (r.declaration().startRequired()) {
                    failedRequired.add(name + " (" + why + ")");
                    firstCause = firstCause != null ? firstCause : cause;
                }
                LOG.log(WARNING, "NEBULA-1005 Eager resource '" + name + "' could not start: " + why
                        + (r.declaration().startRequired() ? "; it has start.required=true, so the application does not start"
                        : "; its readiness is DOWN and it is tried again every second in the background"), cause);
            }
        }
        if (!failedRequired.isEmpty()) {
            throw new ResourceStartException(failedRequired, firstCause);
        }
    }

    /**
     * Declares a resource in code: validated like configuration, added to the dependency graph,
     * started. It is found by name through {@link io.nebula.resource.Resources}, not by injection
     * (injection points are resolved when the application deploys).
     */
    DeclaredResource<?> declare(ResourceSettings settings, Class<?> type) {
        declaring.lock();
        try {
            ConfigProblems problems = new ConfigProblems();
            if (resources.containsKey(settings.name())) {
                problems.add(settings.keyOf(ResourceDeclaration.KIND), "resource '" + settings.name()
                        + "' is already declared; choose another name");
            }
            Optional<ResourceDeclaration> parsed = ResourceDeclaration.parse(settings, providers, problems);
            Map<String, List<String>> dependencies = dependencyMap();
            dependencies.put(settings.name(), parsed.map(ResourceDeclaration::dependsOn)
                    .orElse(ResourceDeclarations.dependsOn(settings)));
            DependencyGraph next = ResourceDeclarations.graph(dependencies, problems);
            parsed.ifPresent(d -> {
                if (!type.isAssignableFrom(d.provider().type())) {
                    problems.add(settings.keyOf(ResourceDeclaration.KIND), "the " + settings.kind() + " provider makes "
                            + d.provider().type().getName() + ", which is not a " + type.getName());
                }
            });
            problems.throwIfAny();
            DeclaredResource<?> resource = new DeclaredResource<>(parsed.orElseThrow(), this, "");
            resources.put(settings.name(), resource);
            graph = next;
            health.graph(next, List.copyOf(resources.keySet()));
            resource.start();
            return resource;
        } finally {
            declaring.unlock();
        }
    }

    /** A resource like {@code name} with some keys overridden, created once per set of overrides. */
    DeclaredResource<?> derived(String name, Map<String, String> overrides) {
        DeclaredResource<?> base = resource(name);
        if (overrides.isEmpty()) {
            return base;
        }
        DerivedKey key = new DerivedKey(name, new TreeMap<>(overrides));
        DeclaredResource<?> existing = derived.get(key);
        if (existing != null) {
            return existing;
        }
        declaring.lock();
        try {
            if (closed.get()) {
                throw new io.nebula.resource.ResourceClosedException(name);
            }
            return derived.computeIfAbsent(key, k -> {
                Map<String, String> values = new TreeMap<>(overrides);
                String kind = values.remove(ResourceDeclaration.KIND);
                ResourceSettings settings = ResourceSettings.of(name,
                        kind != null ? kind : base.declaration().settings().kind(),
                        base.declaration().settings().withAll(values).asMap());
                ConfigProblems problems = new ConfigProblems();
                Optional<ResourceDeclaration> parsed = ResourceDeclaration.parse(settings, providers, problems);
                problems.throwIfAny();
                return new DeclaredResource<>(parsed.orElseThrow(), this, "derived#" + derivations.incrementAndGet() + "/");
            });
        } finally {
            declaring.unlock();
        }
    }

    private Map<String, List<String>> dependencyMap() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        resources.forEach((n, r) -> map.put(n, r.dependsOn()));
        return map;
    }

    /**
     * The application is stopping: every scope still live ends (its beans destroyed, its leases
     * released), then every resource drains and closes, dependents before their dependencies.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scopes.endAll();
        for (DeclaredResource<?> r : derived.values()) {
            r.close();
        }
        List<String> order = new ArrayList<>(graph.stopOrder());
        for (String name : order) {
            DeclaredResource<?> r = resources.get(name);
            if (r != null) {
                r.close();
            }
        }
        weaving.close();
        FaultToleranceLibrary.shutdown();
        events.close();
    }

    private record DerivedKey(String name, Map<String, String> overrides) {
    }
}
