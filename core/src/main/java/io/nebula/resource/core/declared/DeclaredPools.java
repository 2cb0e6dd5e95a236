package io.nebula.resource.core.declared;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.Admission;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.history.HistoryClock;
import io.nebula.resource.core.history.PoolHistory;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.tenant.TenantPools;
import io.nebula.resource.core.tenant.TenantPoolsListener;
import io.nebula.resource.history.Anomaly;
import io.nebula.resource.history.ResourceHistory;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;
import java.util.ArrayList;
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
 * in time and rotates them ({@link CredentialedProvider}); every lease is audited. A pool is made on first use,
 * after the resources this one depends on started ({@link ResourceRegistry}); where a lease is bound is the
 * container's (the CDI extension binds it to the current scopes).
 */
public final class DeclaredPools<R> implements ManagedResource<R> {

    private static final System.Logger LOG = System.getLogger(DeclaredPools.class.getName());

    private volatile ResourceDeclaration declaration; // replaced when an operator changes a changeable key
    private final ResourceProvider<R> provider;
    private final ResourceRegistry<?> registry;
    private final String poolKey;
    private final ReentrantLock starting = new ReentrantLock();
    private final Map<String, PoolEvents> tenantEvents = new ConcurrentHashMap<>();
    private final LivePools live = new LivePools();
    private volatile TenantPools<R> tenants;
    private volatile AuditTrail audit;
    private volatile AuditGate auditGate; // null when audit is off
    private volatile ResourcePool<R> shared;
    private volatile boolean closed;
    private volatile io.nebula.resource.admin.AdminAction hold; // an operator's PAUSE or DRAIN, for pools made later too
    private volatile String quarantinedBy; // an operator's reason while quarantined by hand
    private final Map<String, io.nebula.resource.core.tenant.TenantQuota> quotas = new ConcurrentHashMap<>(); // operators'

    /**
     * @param poolKey tells this resource's pools apart from those of other resources with the same name
     *                (a resource derived with overrides) in the health of that name
     */
    @SuppressWarnings("unchecked")
    DeclaredPools(ResourceDeclaration declaration, ResourceRegistry<?> registry, String poolKey) {
        this.declaration = declaration;
        this.provider = (ResourceProvider<R>) declaration.provider();
        this.registry = registry;
        this.poolKey = poolKey;
    }

    public ResourceDeclaration declaration() {
        return declaration;
    }

    /** Empty for a declared resource; set for one derived from it with overrides, whose pools are its own. */
    public String poolKey() {
        return poolKey;
    }

    public ResourceProvider<R> provider() {
        return provider;
    }

    /**
     * A lease from the resource's pool, or for a tenant-scoped resource from the pool of {@code context}'s tenant
     * (refused without one).
     *
     * @param timeout {@code null} for the pool's {@code pool.acquire-timeout}
     */
    public Lease<R> acquire(Duration timeout, ResourceContext context) {
        if (declaration.scope() == ResourceScope.TENANT) {
            return tenants().acquire(timeout, context); // refuses a request without a tenant
        }
        ResourcePool<R> pool = sharedPool();
        return pool.acquire(timeout == null ? pool.config().acquireTimeout() : timeout, context);
    }

    /**
     * A lease of the resource's own shared instance, never its fallback's (see {@link WovenPool#acquireOwn}): for a
     * caller that keeps the instance as this resource's. A tenant-scoped resource has no shared instance to keep: its
     * leases are {@link #acquire}'s.
     */
    public Lease<R> acquireOwn(Duration timeout, ResourceContext context) {
        if (declaration.scope() == ResourceScope.TENANT || declaration.fallback().isEmpty()) {
            return acquire(timeout, context);
        }
        ResourcePool<R> pool = sharedPool();
        Duration budget = timeout == null ? pool.config().acquireTimeout() : timeout;
        return pool instanceof WovenPool<R> woven ? woven.acquireOwn(budget, context) : pool.acquire(budget, context);
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
    public ResourcePool<R> poolFor(ResourceContext context) {
        if (declaration.scope() == ResourceScope.TENANT) {
            TenantPools<R> t = tenants;
            return t == null || context.tenant() == null ? null : t.pool(context.tenant()).orElse(null);
        }
        return sharedPool();
    }

    /**
     * The resource's one pool, made on first use. Not for a tenant-scoped resource: it has no shared pool, its leases
     * come from its tenants' pools ({@link #acquire(Duration, ResourceContext)}).
     */
    public ResourcePool<R> sharedPool() {
        ResourcePool<R> pool = shared;
        if (pool != null) {
            return pool;
        }
        starting.lock();
        try {
            checkOpen();
            if (shared == null) {
                shared = newPool(poolKey, null, declaration.settings(), declaration.pool(), null);
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
                registry.startDependenciesOf(name());
                TenantPools.Builder<R> builder = TenantPools.<R>builder(registry.tenancy().template(declaration), (settings, quota) -> {
                            String tenant = settings.string("tenant").orElseThrow();
                            // the declaration in force, not the one the first tenant came with: a pool opened after an
                            // operator changed a changeable key (pool.acquire-timeout, ...) is made with the new value
                            ResourceSettings current = registry.tenancy().template(declaration).settingsFor(tenant);
                            return newPool(poolKey + "tenant:" + tenant, tenant, current, poolConfigOf(tenant, current),
                                    quota);
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
                TenantPools<R> built = builder.build();
                quotas.forEach(built::changeQuota); // set by an operator before the first tenant came
                tenants = built;
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
        return registry.tenancy().hasOverrides(tenant, name()) ? PoolConfig.from(settings) : declaration.pool();
    }

    private AuditTrail audit() {
        AuditTrail a = audit;
        if (a == null) {
            a = registry.tenancy().auditTrail(name());
            auditGate = registry.tenancy().auditGate(a);
            audit = a;
        }
        return a;
    }

    /** Where this resource's pools let records into its audit trail; {@code null} when audit is off. */
    private AuditGate auditGate() {
        audit();
        return auditGate;
    }

    /** @param quota a tenant's quota, admitting each lease first; {@code null} for the shared pool or no quota */
    private ResourcePool<R> newPool(String key, String tenant, ResourceSettings settings, PoolConfig config,
                                    Admission quota) {
        registry.startDependenciesOf(name());
        PoolEvents events = registry.poolEvents(name(), key);
        AuditTrail trail = audit();
        CredentialedProvider<R> credentialed = registry.tenancy().credentialed(provider, settings, !poolKey.isEmpty(), trail);
        WovenPool<R> pool = registry.weaving().weave(declaration, settings, credentialed, config, tenant, this::health,
                events, auditGate(), quota, declaration.fallback().map(f -> new DeclaredFallback(registry, f)).orElse(null),
                live);
        events.source(pool);
        io.nebula.resource.admin.AdminAction held = hold;
        if (held != null) {
            pool.hold(held);
        }
        String quarantined = quarantinedBy;
        if (quarantined != null) {
            pool.quarantine(quarantined);
        }
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
    public void close() {
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
        return registry.health(name());
    }

    // ------------------------------------------------------------------ what ResourceAdministration changes

    /** An operator changed changeable keys: pools made from now on are made with them. */
    void reconfigured(ResourceDeclaration changed) {
        declaration = changed;
    }

    /** An operator holds the resource ({@code PAUSE}, {@code DRAIN}) or lets it go ({@code null}): every pool, now and later. */
    void hold(io.nebula.resource.admin.AdminAction action) {
        hold = action;
        live.list().forEach(p -> p.hold(action));
    }

    /** Quarantined by hand ({@code reason}) or released ({@code null}): every pool, now and later. */
    void quarantine(String reason) {
        quarantinedBy = reason;
        live.list().forEach(p -> {
            if (reason == null) {
                p.release();
            } else {
                p.quarantine(reason);
            }
        });
    }

    /** The tenant pools, {@code null} until the first tenant came or for a resource that is not tenant-scoped. */
    TenantPools<R> tenantPools() {
        return tenants;
    }

    /**
     * The tenants whose quota may be in force here: those with a live pool and those whose overrides the configuration
     * had at deployment. Empty for a resource that is not tenant-scoped.
     */
    public java.util.Set<String> knownTenants() {
        if (declaration.scope() != ResourceScope.TENANT) {
            return java.util.Set.of();
        }
        java.util.Set<String> all = new java.util.TreeSet<>(registry.tenancy().tenantsOverriding(name()));
        TenantPools<R> t = tenants;
        if (t != null) {
            all.addAll(t.tenants());
        }
        all.addAll(quotas.keySet());
        return all;
    }

    /** The settings {@code tenant}'s pool is (or would be) made with: the resource's, with the tenant's overrides. */
    public ResourceSettings registryTenantSettings(String tenant) {
        return registry.tenancy().template(declaration).settingsFor(tenant);
    }

    /** An operator set {@code tenant}'s quota: kept for tenant pools made later, the first included. */
    void quotaChanged(String tenant, io.nebula.resource.core.tenant.TenantQuota quota) {
        starting.lock();
        try {
            quotas.put(tenant, quota);
            TenantPools<R> t = tenants;
            if (t != null) {
                t.changeQuota(tenant, quota); // the tenant pools came since the caller looked
            }
        } finally {
            starting.unlock();
        }
    }

    /** Where the operators' changes are recorded: the resource's audit trail. */
    AuditTrail auditTrail() {
        return audit();
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
        return acquire(null, registry.context().get());
    }

    @Override
    public Lease<R> acquire(Duration timeout) {
        return acquire(timeout, registry.context().get());
    }

    /** The resource's shared pool, or every tenant's pool together ({@link PoolHistory#together}). */
    @Override
    public ResourceHistory history() {
        HistoryClock clock = registry.weaving().history();
        if (clock == null) {
            return disabled(null);
        }
        List<PoolHistory> pools = new ArrayList<>();
        for (WovenPool<?> p : live.list()) {
            p.history().ifPresent(pools::add);
        }
        return PoolHistory.together(name(), clock, pools);
    }

    @Override
    public ResourceHistory history(String tenant) {
        HistoryClock clock = registry.weaving().history();
        if (clock == null) {
            return disabled(tenant);
        }
        for (WovenPool<?> p : live.list()) {
            PoolHistory h = p.history().orElse(null);
            if (h != null && tenant.equals(h.tenant())) {
                return h.history();
            }
        }
        return PoolHistory.empty(name(), tenant, clock);
    }

    /** An hour of empty buckets: {@code nebula.history.enabled=false} keeps none. */
    private ResourceHistory disabled(String tenant) {
        return PoolHistory.empty(name(), tenant, new HistoryClock(io.nebula.resource.core.Ticker.SYSTEM,
                HistoryClock.BUCKET, java.time.Instant.now()));
    }

    @Override
    public List<Anomaly> anomalies() {
        List<Anomaly> now = new ArrayList<>();
        for (WovenPool<?> p : live.list()) {
            p.history().ifPresent(h -> now.addAll(h.anomalies()));
        }
        return now;
    }

    @Override
    public String toString() {
        return "Resource[" + name() + ", kind=" + kind() + ", scope=" + scope().configName() + ", " + state() + "]";
    }
}
