package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceStartException;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.HealthTracker;
import io.nebula.resource.core.telemetry.Redactor;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The declared resources of one application and what they share: the dependency graph, health, events, tenancy
 * and the weaving of their pools. Built once the configuration is valid; lives until the application stops.
 * Each resource's {@link DeclaredPools} is served as a {@code T}, what the container makes of it (the CDI
 * extension: the resource as its injection points and scopes see it), made once per resource.
 *
 * @param <T> what the container serves each resource as
 */
public final class ResourceRegistry<T extends ResourceRegistry.Entry> {

    /** What the container serves a resource as: it reaches the resource's pools. */
    public interface Entry {
        DeclaredPools<?> pools();
    }

    private static final System.Logger LOG = System.getLogger(ResourceRegistry.class.getName());

    private final ProviderCatalog providers;
    private final Tenancy tenancy;
    private final Weaving weaving;
    private final Consumer<Object> events;
    private final Supplier<ResourceContext> context;
    private final Function<DeclaredPools<?>, T> serve;
    private final Map<String, T> resources = new ConcurrentHashMap<>();
    private final Map<DerivedKey, T> derived = new ConcurrentHashMap<>();
    private final AtomicInteger derivations = new AtomicInteger();
    private final ReentrantLock declaring = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final HealthTracker health;
    private volatile DependencyGraph graph;
    private final ResourceAdministration admin = new ResourceAdministration(this, () -> null, java.time.Clock.systemUTC());

    /**
     * @param declared the resources declared at deployment, whose configuration is valid
     * @param graph    their dependencies
     * @param tenancy  tenant overrides, credential sources and the audit trail
     * @param weaving  what every pool is woven with
     * @param events   where the resources' events go (CDI events in the extension); must not throw
     * @param context  the current thread's context, for a lease asked for without one
     * @param serve    makes what a resource is served as, once per resource
     */
    public ResourceRegistry(ProviderCatalog providers, Collection<ResourceDeclaration> declared, DependencyGraph graph,
                            Tenancy tenancy, Weaving weaving, Consumer<Object> events, Supplier<ResourceContext> context,
                            Function<DeclaredPools<?>, T> serve) {
        this.providers = providers;
        this.graph = graph;
        this.tenancy = tenancy;
        this.weaving = weaving;
        this.events = events;
        this.context = context;
        this.serve = serve;
        for (ResourceDeclaration d : declared) {
            resources.put(d.name(), serve.apply(new DeclaredPools<>(d, this, "")));
        }
        this.health = new HealthTracker(graph, List.copyOf(resources.keySet()));
    }

    /** @throws ConfigurationInvalidException naming the missing declaration */
    public T resource(String name) {
        T r = resources.get(name);
        if (r == null) {
            throw new ConfigurationInvalidException(List.of(new ConfigProblem(ResourceSettings.PREFIX + name + ".kind",
                    "is not set: no resource named '" + name + "' is declared; declared resources: " + names())));
        }
        return r;
    }

    public Optional<T> find(String name) {
        return Optional.ofNullable(resources.get(name));
    }

    public Collection<T> all() {
        return resources.values();
    }

    public Set<String> names() {
        return new TreeSet<>(resources.keySet());
    }

    HealthStatus health(String name) {
        return health.health(name);
    }

    /** Tenant overrides, credential sources and the audit trail. */
    public Tenancy tenancy() {
        return tenancy;
    }

    ProviderCatalog providers() {
        return providers;
    }

    /** Hands {@code event} to where the resources' events go (CDI events in the extension). */
    void fire(Object event) {
        events.accept(event);
    }

    /**
     * The administration of these resources: resize, pause, drain, quarantine and the rest, while they run. Each
     * change is recorded as made by {@code principal}'s answer at the time ({@value ResourceAdministration#SYSTEM}
     * when it has none): the container's caller, or {@code () -> null} in plain Java.
     */
    public ResourceAdministration admin(Supplier<String> principal) {
        return admin.by(principal);
    }

    /** {@link #admin(Supplier)} recording {@value ResourceAdministration#SYSTEM} unless {@code as} names someone. */
    public ResourceAdministration admin() {
        return admin;
    }

    Weaving weaving() {
        return weaving;
    }

    Supplier<ResourceContext> context() {
        return context;
    }

    /** Reports every resource through the application's telemetry backends from now on. */
    public void useTelemetry(Telemetry telemetry) {
        List<LivePools> live = new ArrayList<>();
        resources.values().forEach(r -> live.add(r.pools().live()));
        derived.values().forEach(r -> live.add(r.pools().live()));
        weaving.use(telemetry, live);
    }

    /** What the health checks of {@code name} report, over all its pools and its derived resources'; no secret in it. */
    public HealthReport report(String name) {
        DeclaredPools<?> r = resource(name).pools();
        return live(name).report(r.declaration(), r.state(), health(name), r.pool());
    }

    /** {@link ResourceStatistics}: the health report's figures, each tenant's pool, and the recent acquisitions. */
    public ResourceFigures figures(String name) {
        return live(name).figures(report(name));
    }

    /** The live pools that report under {@code name}: its own and those of the resources derived from it. */
    private LivePools live(String name) {
        List<LivePools> each = new ArrayList<>();
        each.add(resource(name).pools().live());
        derived.forEach((key, r) -> {
            if (key.name().equals(name)) {
                each.add(r.pools().live());
            }
        });
        return LivePools.of(each);
    }

    PoolEvents poolEvents(String resource, String pool) {
        return new PoolEvents(resource, pool, events, health);
    }

    /** Starts what {@code name} depends on, dependencies first, before it starts itself. */
    void startDependenciesOf(String name) {
        DependencyGraph g = graph;
        Set<String> needed = new HashSet<>(g.dependenciesOf(name));
        for (String dependency : g.startOrder()) {
            if (needed.contains(dependency)) {
                resource(dependency).pools().start();
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
    public void startEager() {
        List<String> failedRequired = new ArrayList<>();
        Throwable firstCause = null;
        for (String name : graph.startOrder()) {
            T entry = resources.get(name);
            DeclaredPools<?> r = entry == null ? null : entry.pools();
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
                String why = Redactor.of(r.declaration().settings()).redact(status.message().orElse("its check failed"));
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
    public T declare(ResourceSettings settings, Class<?> type) {
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
                Map<String, ResourceDeclaration> all = new LinkedHashMap<>();
                resources.forEach((n, r) -> all.put(n, r.pools().declaration()));
                all.put(d.name(), d);
                ConfigProblems fallbacks = new ConfigProblems();
                ResourceDeclarations.fallbacks(all, all.keySet(), fallbacks);
                String key = settings.keyOf(ResourceDeclaration.FALLBACK);
                fallbacks.list().stream().filter(p -> p.key().equals(key)).forEach(p -> problems.add(p.key(), p.message()));
                if (!type.isAssignableFrom(d.provider().type())) {
                    problems.add(settings.keyOf(ResourceDeclaration.KIND), "the " + settings.kind() + " provider makes "
                            + d.provider().type().getName() + ", which is not a " + type.getName());
                }
            });
            problems.throwIfAny();
            T resource = serve.apply(new DeclaredPools<>(parsed.orElseThrow(), this, ""));
            resources.put(settings.name(), resource);
            graph = next;
            health.graph(next, List.copyOf(resources.keySet()));
            resource.pools().start();
            return resource;
        } finally {
            declaring.unlock();
        }
    }

    /** A resource like {@code name} with some keys overridden, created once per set of overrides. */
    public T derived(String name, Map<String, String> overrides) {
        T base = resource(name);
        if (overrides.isEmpty()) {
            return base;
        }
        DerivedKey key = new DerivedKey(name, new TreeMap<>(overrides));
        T existing = derived.get(key);
        if (existing != null) {
            return existing;
        }
        declaring.lock();
        try {
            if (closed.get()) {
                throw new ResourceClosedException(name);
            }
            return derived.computeIfAbsent(key, k -> {
                Map<String, String> values = new TreeMap<>(overrides);
                String kind = values.remove(ResourceDeclaration.KIND);
                ResourceSettings baseSettings = base.pools().declaration().settings();
                ResourceSettings settings = ResourceSettings.of(name, kind != null ? kind : baseSettings.kind(),
                        baseSettings.withAll(values).asMap());
                ConfigProblems problems = new ConfigProblems();
                Optional<ResourceDeclaration> parsed = ResourceDeclaration.parse(settings, providers, problems);
                problems.throwIfAny();
                return serve.apply(new DeclaredPools<>(parsed.orElseThrow(), this,
                        "derived#" + derivations.incrementAndGet() + "/"));
            });
        } finally {
            declaring.unlock();
        }
    }

    private Map<String, List<String>> dependencyMap() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        resources.forEach((n, r) -> map.put(n, r.pools().dependsOn()));
        return map;
    }

    /**
     * The application is stopping: every resource drains and closes, those derived in code first, then dependents
     * before their dependencies; then what their pools shared. Once only.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (T r : derived.values()) {
            r.pools().close();
        }
        List<String> order = new ArrayList<>(graph.stopOrder());
        for (String name : order) {
            T r = resources.get(name);
            if (r != null) {
                r.pools().close();
            }
        }
        weaving.close();
    }

    private record DerivedKey(String name, Map<String, String> overrides) {
    }
}
