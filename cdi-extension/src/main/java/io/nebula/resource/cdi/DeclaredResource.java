package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.cdi.inject.InjectableResource;
import io.nebula.resource.cdi.inject.ViewLease;
import io.nebula.resource.cdi.scope.ActiveScope;
import io.nebula.resource.cdi.scope.ScopeChain;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.declared.LivePools;
import io.nebula.resource.core.declared.PoolEvents;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.pipeline.CircuitState;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.tenant.TenantPools;
import io.nebula.resource.core.tenant.TenantPoolsListener;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * A resource declared in configuration or in code, with its pools: one shared pool, or for a resource of
 * scope {@code tenant}, one per tenant ({@link TenantPools}), each made on the tenant's first request from the
 * resource's settings as a template, within the resource's tenant limits and quotas. A tenant-scoped resource
 * has no shared pool: a request without a tenant is refused. Every pool's provider fetches its credentials just
 * in time and rotates them ({@link CredentialedProvider}); every lease is audited.
 *
 * <p>Where a lease is bound (see {@link #binding}): a resource of scope {@code action}, {@code execution}
 * or {@code workflow} binds its lease to that scope, or to the nearest broader active one when it is not
 * active; a resource of scope {@code global} or {@code tenant}, whose scope chooses a pool rather than a
 * lifetime, binds it to the narrowest active scope: the current action, say, or the global scope outside
 * any workflow.
 */
final class DeclaredResource<R> implements ManagedResource<R>, InjectableResource {

    private static final System.Logger LOG = System.getLogger(DeclaredResource.class.getName());

    private final ResourceDeclaration declaration;
    private final ResourceProvider<R> provider;
    private final ResourceRuntime runtime;
    private final String poolKey;
    private final ReentrantLock starting = new ReentrantLock();
    private final Map<String, PoolEvents> tenantEvents = new ConcurrentHashMap<>();
    private final LivePools live = new LivePools();
    private volatile TenantPools<R> tenants;
    private volatile AuditTrail audit;
    private volatile AuditGate auditGate; // null when audit is off
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

    @Override
    public ResourceProvider<R> provider() {
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

    @Override
    public ActiveScope boundScope(ScopeChain chain) {
        return binding(chain).scope();
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
     * What an {@code @Action} naming this resource does on entry: binds its lease to the current scopes, as a later
     * injection there will read it. A resource whose one instance everyone shares, and whose provider runs each of
     * the instance's hand-outs through the pipeline (a JDBC data source's connections), binds none: the method's
     * {@code getConnection()} calls are its acquisitions, so only whether the resource would admit one is checked
     * ({@link WovenPool#admit}). A shared instance used directly (an HTTP endpoint) keeps its lease: that lease is
     * the acquisition the pipeline meters and guards.
     */
    void enterAction(ScopeChain chain) {
        if (sharesOneInstance() && sharedPool() instanceof WovenPool<R> woven && woven.handsOutThroughPipeline()) {
            woven.admit(chain.context());
            return;
        }
        boundLease(chain);
    }

    /**
     * The instance (or view) for a thread in {@code chain}: a resident resource of global scope hands out
     * its shared instance; any other comes from the lease bound to the current scopes.
     */
    @Override
    public Object instance(Class<?> view, ScopeChain chain) {
        ResourceContext context = chain.context();
        if (sharesOneInstance()) {
            try (Lease<R> lease = acquire(null, context)) {
                return deliver(lease.get(), view, context);
            }
        }
        return deliver(boundLease(chain).get(), view, context);
    }

    /**
     * The shared instance for an injection point, had through the pipeline as any acquisition: the live one (a hit,
     * which asks nothing of the backend), or one made now when the backend is not known to be down. {@code null},
     * with nothing tried, when the pool has no instance and failed, or when its circuit is open or it is quarantined
     * (the pipeline would refuse); {@code null} too when making one failed, a failure counted and reported as any.
     * The bean then gets a stand-in.
     */
    @Override
    public Object liveInstance(Class<?> view, ScopeChain chain) {
        ResourcePool<R> pool = sharedPool(); // starting a lazy pool creates nothing
        if (refusing(pool) || pool.state() == ResourceState.FAILED && pool.snapshot().size() == 0) {
            return null;
        }
        ResourceContext context = chain.context();
        try (Lease<R> lease = acquire(null, context)) {
            return deliver(lease.get(), view, context);
        } catch (ResourceClosedException e) {
            throw e;
        } catch (ResourceException e) {
            return null;
        }
    }

    /** Whether the pipeline refuses every acquisition now, without asking the backend: an open circuit, a quarantine. */
    private static boolean refusing(ResourcePool<?> pool) {
        return pool instanceof WovenPool<?> woven && (woven.quarantined()
                || woven.circuit().map(c -> c.state() == CircuitState.Position.OPEN).orElse(false));
    }

    @Override
    public boolean sharesOneInstance() {
        return provider.topology() == Topology.RESIDENT && declaration.scope() == ResourceScope.GLOBAL;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Lease<?> lease(Class<?> view, Duration timeout, ResourceContext context) {
        Lease<R> lease = acquire(timeout, context);
        return view == provider.type() ? lease : new ViewLease(lease, provider, view);
    }

    Lease<R> acquire(Duration timeout, ResourceContext context) {
        if (declaration.scope() == ResourceScope.TENANT) {
            return tenants().acquire(timeout, context); // refuses a request without a tenant
        }
        ResourcePool<R> pool = sharedPool();
        return pool.acquire(timeout == null ? pool.config().acquireTimeout() : timeout, context);
    }

    /**
     * The instance seen as {@code view}, with what it hands out itself (a JDBC data source's connections) behind the
     * pipeline of the pool it came from ({@link WovenPool#handingOut}): one object, whichever type it is seen as.
     */
    Object deliver(R instance, Class<?> view, ResourceContext context) {
        R handing = poolFor(context) instanceof WovenPool<R> woven
                ? woven.handingOut(instance, Weaving.contextOf(runtime.scopes())) : instance;
        return view == provider.type() ? handing : provider.view(handing, view);
    }

    /** Starts the shared pool, or a tenant-scoped resource's tenant pools (and, first, the resources this one depends on). */
    void start() {
        if (declaration.scope() == ResourceScope.TENANT) {
            tenants();
        } else {
            sharedPool();
        }
    }

    /**
     * Starts the resource at application start ({@code start=eager}) and proves it: its shared pool creates an instance
     * and checks it ({@link WovenPool#startChecked}); when the backend is down the pool is FAILED and recovers in the
     * background. A tenant-scoped resource has no pool to prove before its tenants come: UP.
     *
     * @return what the check found
     */
    HealthStatus startEagerly() {
        if (declaration.scope() == ResourceScope.TENANT) {
            tenants();
            return HealthStatus.up();
        }
        ResourcePool<R> pool = sharedPool();
        return pool instanceof WovenPool<R> woven ? woven.startChecked(declaration.health().depth()) : HealthStatus.up();
    }

    /** The pool a lease for {@code context} came from: the tenant's for a tenant-scoped resource. */
    private ResourcePool<R> poolFor(ResourceContext context) {
        if (declaration.scope() == ResourceScope.TENANT) {
            TenantPools<R> t = tenants;
            return t == null || context.tenant() == null ? null : t.pool(context.tenant()).orElse(null);
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
                shared = newPool(poolKey, null, declaration.settings(), declaration.pool());
            }
            return shared;
        } finally {
            starting.unlock();
        }
    }

    /** The tenant pools, made on first use; each tenant's pool is made on the tenant's first request. */
    private TenantPools<R> tenants() {
        TenantPools<R> t = tenants;
        if (t != null) {
            return t;
        }
        starting.lock();
        try {
            checkOpen();
            if (tenants == null) {
                runtime.startDependenciesOf(name());
                TenantPools.Builder<R> builder = TenantPools.<R>builder(runtime.tenancy().template(declaration), settings -> {
                            String tenant = settings.string("tenant").orElseThrow();
                            return newPool(poolKey + "tenant:" + tenant, tenant, settings, poolConfigOf(tenant, settings));
                        })
                        // each tenant's settings checked as the template was: its id spliced in may break a key
                        .validator(provider::validate)
                        .listener(new TenantPoolsListener() {
                            @Override
                            public void onPoolClosing(String tenant, String reason) {
                                PoolEvents events = tenantEvents.remove(tenant);
                                if (events != null && !reason.equals("shutdown")) {
                                    events.retiring();
                                }
                            }
                        });
                AuditGate gate = auditGate();
                if (gate != null) {
                    builder.listener(gate);
                }
                tenants = builder.build();
            }
            return tenants;
        } finally {
            starting.unlock();
        }
    }

    /**
     * A tenant's pool configuration: the resource's own, shared by every tenant without overrides (the pool keys
     * hold no placeholder, so the template's values are theirs), rather than one parsed per tenant.
     */
    private PoolConfig poolConfigOf(String tenant, ResourceSettings settings) {
        return runtime.tenancy().hasOverrides(tenant, name()) ? PoolConfig.from(settings) : declaration.pool();
    }

    private AuditTrail audit() {
        AuditTrail a = audit;
        if (a == null) {
            a = runtime.tenancy().auditTrail(name());
            auditGate = runtime.tenancy().auditGate(a);
            audit = a;
        }
        return a;
    }

    /** Where this resource's pools let records into its audit trail; {@code null} when audit is off. */
    private AuditGate auditGate() {
        audit();
        return auditGate;
    }

    private ResourcePool<R> newPool(String key, String tenant, ResourceSettings settings, PoolConfig config) {
        runtime.startDependenciesOf(name());
        PoolEvents events = runtime.poolEvents(name(), key);
        AuditTrail trail = audit();
        AuditGate gate = auditGate();
        events.audit(gate);
        CredentialedProvider<R> credentialed = runtime.tenancy().credentialed(provider, settings, !poolKey.isEmpty(), trail);
        WovenPool<R> pool = runtime.weaving().weave(declaration, settings, credentialed, config, tenant, this::health,
                events, gate, live);
        events.source(pool);
        if (tenant != null) {
            tenantEvents.put(tenant, events);
        }
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
        TenantPools<R> t = tenants;
        if (t != null) {
            try {
                t.close();
            } catch (RuntimeException e) {
                LOG.log(WARNING, "NEBULA-1006 Closing the tenant pools of resource '" + name() + "' failed", e);
            }
        }
        ResourcePool<R> pool = shared;
        if (pool != null) {
            closeQuietly(pool);
        }
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
        if (declaration.scope() == ResourceScope.TENANT) {
            TenantPools<R> t = tenants;
            return t == null ? (closed ? ResourceState.TERMINATED : ResourceState.CREATED)
                    : t.isClosed() ? ResourceState.TERMINATED : ResourceState.READY;
        }
        ResourcePool<R> pool = shared;
        return pool == null ? (closed ? ResourceState.TERMINATED : ResourceState.CREATED) : pool.state();
    }

    @Override
    public HealthStatus health() {
        return runtime.health(name());
    }

    /** Its pools while they live: its shared pool or every tenant's. */
    LivePools live() {
        return live;
    }

    /**
     * Its live pools summed; before any started, the declared sizes; once started, with none live, a closed shared
     * pool's figures or a tenant-scoped resource's zeros.
     */
    @Override
    public PoolSnapshot pool() {
        ResourcePool<R> pool = shared;
        if (tenants == null && pool == null) {
            return new PoolSnapshot(0, 0, 0, 0, declaration.pool().minSize(), declaration.pool().maxSize());
        }
        return live.snapshot(pool != null ? pool.snapshot() : PoolSnapshot.sum(List.of()));
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
