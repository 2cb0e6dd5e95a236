package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * A resource declared in configuration or in code, with its pools: one shared pool, and for a resource
 * of scope {@code tenant}, one more per tenant, each created on first use from the same settings.
 *
 * <p>Where a lease is bound (see {@link #binding}): a resource of scope {@code action}, {@code execution}
 * or {@code workflow} binds its lease to that scope, or to the nearest broader active one when it is not
 * active; a resource of scope {@code global} or {@code tenant}, whose scope chooses a pool rather than a
 * lifetime, binds it to the narrowest active scope: the current action, say, or the global scope outside
 * any workflow.
 */
final class DeclaredResource<R> implements ManagedResource<R> {

    private static final System.Logger LOG = System.getLogger(DeclaredResource.class.getName());

    private final ResourceDeclaration declaration;
    private final ResourceProvider<R> provider;
    private final ResourceRuntime runtime;
    private final String poolKey;
    private final ReentrantLock starting = new ReentrantLock();
    private final Map<String, ResourcePool<R>> tenantPools = new ConcurrentHashMap<>();
    private volatile ResourcePool<R> shared;
    private volatile boolean closed;

    /**
     * @param poolKey tells this resource's pools apart from those of other resources with the same name
     *                (a resource derived with overrides) in the health of that name
     */
    @SuppressWarnings("unchecked")
    DeclaredResource(ResourceDeclaration declaration, ResourceRuntime runtime, String poolKey) {
        this.declaration = declaration;
        this.provider = (ResourceProvider<R>) declaration.provider();
        this.runtime = runtime;
        this.poolKey = poolKey;
    }

    /** Where this resource's lease sits in a scope: by name, and apart from resources derived from it. */
    private String slotKey() {
        return poolKey.isEmpty() ? name() : name() + "#" + poolKey;
    }

    ResourceDeclaration declaration() {
        return declaration;
    }

    ResourceProvider<R> provider() {
        return provider;
    }

    /** The scope a lease of this resource is bound to on a thread in {@code chain}, and why. */
    record Binding(ActiveScope scope, ResourceScope effective, boolean fellBack) {
    }

    Binding binding(ScopeChain chain) {
        ResourceScope configured = declaration.scope();
        if (configured == ResourceScope.GLOBAL || configured == ResourceScope.TENANT) {
            ActiveScope narrowest = chain.narrowest();
            return new Binding(narrowest, narrowest.level(), false);
        }
        ResourceScope effective = chain.context().effectiveScope(configured);
        return new Binding(chain.at(effective), effective, effective != configured);
    }

    /** The lease every user of this resource shares in the binding scope; taken on first use there. */
    @SuppressWarnings("unchecked")
    Lease<R> boundLease(ScopeChain chain) {
        Binding binding = binding(chain);
        return (Lease<R>) binding.scope().boundLease(slotKey(), () -> {
            if (binding.fellBack() && LOG.isLoggable(DEBUG)) {
                LOG.log(DEBUG, "NEBULA-1001 Resource ''{0}'' has scope ''{1}'', which is not active on this thread; "
                                + "its lease is bound to the enclosing {2} scope ''{3}'' instead",
                        name(), declaration.scope().configName(), binding.effective().configName(), binding.scope().name());
            }
            return acquire(null, chain.context());
        });
    }

    /**
     * The instance (or view) for a thread in {@code chain}: a resident resource of global scope hands out
     * its shared instance; any other comes from the lease bound to the current scopes.
     */
    Object instance(Class<?> view, ScopeChain chain) {
        ResourceContext context = chain.context();
        if (sharesOneInstance()) {
            try (Lease<R> lease = acquire(null, context)) {
                return deliver(lease.get(), view, context);
            }
        }
        return deliver(boundLease(chain).get(), view, context);
    }

    /** Whether injection points get the one shared instance itself rather than a proxy to a scoped lease. */
    boolean sharesOneInstance() {
        return provider.topology() == Topology.RESIDENT && declaration.scope() == ResourceScope.GLOBAL;
    }

    /** A lease the caller holds, seen as {@code view}. {@code timeout} null means the configured one. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Lease<?> lease(Class<?> view, Duration timeout, ResourceContext context) {
        Lease<R> lease = acquire(timeout, context);
        return view == provider.type() ? lease : new ViewLease(lease, provider, view);
    }

    Lease<R> acquire(Duration timeout, ResourceContext context) {
        ResourcePool<R> pool = poolFor(context);
        return pool.acquire(timeout == null ? pool.config().acquireTimeout() : timeout, context);
    }

    /** The type an injection point or lookup of {@code requested} is served as: the provider's type or one of its views. */
    Class<?> viewFor(Class<?> requested) {
        return Views.viewFor(provider, requested);
    }

    /**
     * The instance seen as {@code view}. Seen as a {@code javax.sql.DataSource} (an Agroal pool), it is the woven
     * data source of the pool it came from, whose {@code getConnection()} passes through that pool's chain.
     */
    Object deliver(R instance, Class<?> view, ResourceContext context) {
        Object delivered = view == provider.type() ? instance : provider.view(instance, view);
        if (view == DataSource.class && delivered instanceof DataSource raw && poolFor(context) instanceof WovenPool<R> woven) {
            return woven.dataSource(raw, Weaving.contextOf(runtime.scopes()));
        }
        return delivered;
    }

    /** Starts the shared pool (and, first, the resources this one depends on). */
    void start() {
        sharedPool();
    }

    private ResourcePool<R> poolFor(ResourceContext context) {
        if (declaration.scope() == ResourceScope.TENANT) {
            if (context.tenant() != null) {
                return tenantPool(context.tenant());
            }
            if (LOG.isLoggable(DEBUG)) {
                LOG.log(DEBUG, "NEBULA-1002 Resource ''{0}'' has scope ''tenant'' but no tenant is active on this thread; "
                        + "using its shared pool", name());
            }
        }
        return sharedPool();
    }

    private ResourcePool<R> sharedPool() {
        ResourcePool<R> pool = shared;
        if (pool != null) {
            return pool;
        }
        starting.lock();
        try {
            checkOpen();
            if (shared == null) {
                shared = newPool(poolKey, null);
            }
            return shared;
        } finally {
            starting.unlock();
        }
    }

    private ResourcePool<R> tenantPool(String tenant) {
        ResourcePool<R> pool = tenantPools.get(tenant);
        if (pool != null) {
            return pool;
        }
        starting.lock();
        try {
            checkOpen();
            return tenantPools.computeIfAbsent(tenant, t -> newPool(poolKey + "tenant:" + t, t));
        } finally {
            starting.unlock();
        }
    }

    private ResourcePool<R> newPool(String key, String tenant) {
        runtime.startDependenciesOf(name());
        PoolEvents events = runtime.poolEvents(name(), key);
        ResourcePool<R> pool = runtime.weaving().weave(declaration, ResourcePool.builder(provider, declaration.settings())
                .config(declaration.pool())
                .listener(events), tenant, this::health, events);
        events.source(pool);
        try {
            pool.start();
        } catch (RuntimeException e) {
            closeQuietly(pool);
            throw e;
        }
        LOG.log(DEBUG, "NEBULA-1003 Started resource ''{0}''{1} ({2}, {3})", name(),
                tenant == null ? "" : " for tenant '" + tenant + "'", declaration.settings().kind(), provider.topology());
        return pool;
    }

    private void checkOpen() {
        if (closed) {
            throw new ResourceClosedException(name());
        }
    }

    /** Drains and closes every pool of this resource: the tenants' first, then the shared one. Idempotent. */
    void close() {
        starting.lock();
        try {
            closed = true;
        } finally {
            starting.unlock();
        }
        for (ResourcePool<R> pool : tenantPools.values()) {
            closeQuietly(pool);
        }
        tenantPools.clear();
        ResourcePool<R> pool = shared;
        if (pool != null) {
            closeQuietly(pool);
        }
    }

    boolean isStarted() {
        return shared != null || !tenantPools.isEmpty();
    }

    private void closeQuietly(ResourcePool<R> pool) {
        try {
            pool.close();
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-1006 Closing resource '" + name() + "' failed", e);
        }
    }

    @Override
    public String name() {
        return declaration.name();
    }

    @Override
    public String kind() {
        return declaration.settings().kind();
    }

    @Override
    public ResourceScope scope() {
        return declaration.scope();
    }

    @Override
    public List<String> dependsOn() {
        return declaration.dependsOn();
    }

    @Override
    public ResourceState state() {
        ResourcePool<R> pool = shared;
        return pool == null ? (closed ? ResourceState.TERMINATED : ResourceState.CREATED) : pool.state();
    }

    @Override
    public HealthStatus health() {
        return runtime.health(name());
    }

    @Override
    public PoolSnapshot pool() {
        ResourcePool<R> pool = shared;
        return pool != null ? pool.snapshot()
                : new PoolSnapshot(0, 0, 0, 0, declaration.pool().minSize(), declaration.pool().maxSize());
    }

    @Override
    public Lease<R> acquire() {
        return acquire(null, runtime.scopes().current());
    }

    @Override
    public Lease<R> acquire(Duration timeout) {
        return acquire(timeout, runtime.scopes().current());
    }

    @Override
    public String toString() {
        return "Resource[" + name() + ", kind=" + kind() + ", scope=" + scope().configName() + ", " + state() + "]";
    }
}
