package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigProblem;

import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.core.Admission;
import io.nebula.resource.core.EngineThreads;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The pools of a tenant-scoped resource: one per tenant, made on the tenant's first acquisition from the
 * resource's settings as a {@link TenantTemplate}, and kept within the resource's {@link TenantLimits}.
 *
 * <pre>{@code
 * TenantPools<Channel> jobs = TenantPools.<Channel>builder(template, (settings, quota) -> {
 *             var pool = WovenPool.builder(provider, settings);
 *             return (quota == null ? pool : pool.admission(quota)).build();
 *         }).limits(TenantLimits.from(settings)).build();
 * try (Lease<Channel> lease = jobs.acquire(null, new ResourceContext("acme", "billing", "run-42", "charge"))) {
 *     lease.get().basicPublish(...);
 * }
 * }</pre>
 *
 * <p><b>Isolation.</b> A lease comes from the pool of the tenant in the {@link ResourceContext} and from no
 * other; a request without a tenant, or with an id that cannot name one, is refused with
 * {@link TenantRequiredException}. There is no shared pool to fall back to.
 *
 * <p><b>Quotas</b> ({@link TenantQuota}) are checked first by the tenant pool's pipeline, its tenant admission stage
 * ({@link QuotaAdmission}), and a request over one fails at once with {@link QuotaExceededException} naming the
 * tenant and the limit. Concurrent leases are counted from the moment the pipeline admits an acquisition until its
 * lease is closed; so take leases from here, which gives their place back, not from a tenant's pool directly.
 *
 * <p><b>Limits.</b> With {@code tenant.max-pools} live pools, a new tenant's pool replaces the least recently
 * used idle one (no lease out, no acquisition under way); with none idle the request is refused at once.
 * {@code tenant.max-instances} is kept the same way: each live pool reserves its {@code pool.max-size}, so the
 * instances of all tenants together never exceed it, however the pools fill. A pool idle for
 * {@code tenant.idle-timeout} is closed by a housekeeping task. Opening and closing pools is serialized by
 * one lock; acquisitions from a live pool never take it.
 *
 * <p>Admission (tenant ids, quotas, limits) is worded by {@link TenantAdmission}; making, idling out and closing
 * pools is {@link TenantPoolLifecycle}'s. Choosing the live pool of a request stays in this class.
 */
public final class TenantPools<R> implements AutoCloseable {

    static final System.Logger LOG = System.getLogger("io.nebula.resource.core.tenant");

    final String resource;
    final TenantLimits limits;
    final Ticker ticker;
    final List<TenantPoolsListener> listeners;
    final Map<String, TenantPool<R>> pools = new ConcurrentHashMap<>();
    volatile boolean closed;
    final TenantAdmission<R> admission;
    /** Quotas an operator set, by tenant: they replace the configured ones for pools opened from now on. */
    final Map<String, TenantQuota> quotas = new ConcurrentHashMap<>();
    private final TenantPoolLifecycle<R> lifecycle;

    private TenantPools(Builder<R> b) {
        this.resource = b.template.template().name();
        this.limits = b.limits;
        this.ticker = b.ticker;
        this.listeners = List.copyOf(b.listeners);
        this.admission = new TenantAdmission<>(this);
        this.lifecycle = new TenantPoolLifecycle<>(this, b.template, b.factory, b.validator,
                b.scheduler != null ? b.scheduler : EngineThreads.timer());
    }

    /**
     * @param template the resource's settings and each tenant's overrides
     * @param factory  builds (does not start) a pool from one tenant's settings, with the tenant's quota in its
     *                 pipeline
     */
    public static <R> Builder<R> builder(TenantTemplate template, PoolFactory<R> factory) {
        return new Builder<>(template, factory);
    }

    /** Builds one tenant's pool. */
    @FunctionalInterface
    public interface PoolFactory<R> {

        /**
         * Builds (does not start) the pool of one tenant's settings, whose leases' pipeline admits each acquisition
         * through {@code admission} first ({@code WovenPoolBuilder.admission}): that is where the tenant's quota is
         * kept. May throw {@link io.nebula.resource.ConfigurationInvalidException} when a tenant's settings are wrong.
         *
         * @param admission the tenant's {@code tenant.quota.*}; {@code null} when it limits nothing, and a pool
         *                  without a pipeline serves
         */
        ResourcePool<R> make(ResourceSettings settings, Admission admission);
    }

    public String resource() {
        return resource;
    }

    public TenantLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------ acquire

    /**
     * Acquires from the pool of {@code ctx.tenant()}, making that pool first if the tenant has none. The arguments
     * come in the order of {@link ResourcePool#acquire(Duration, ResourceContext)}.
     *
     * @param timeout how long to wait for an instance; {@code null} for the pool's {@code pool.acquire-timeout}.
     *                Quotas and limits never wait.
     * @throws TenantRequiredException when no valid tenant is in effect
     * @throws QuotaExceededException  when the tenant is over a quota, or the pools are at a limit with none idle
     * @throws ResourceClosedException when these pools are closed
     */
    public Lease<R> acquire(Duration timeout, ResourceContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        String tenant = ctx.tenant();
        if (tenant == null) {
            throw admission.denied(ctx, admission.noTenant());
        }
        TenantPool<R> owner = use(tenant, ctx);
        try {
            ResourcePool<R> pool = owner.pool; // its pipeline admits the acquisition within the tenant's quota first
            Lease<R> lease = pool.acquire(timeout != null ? timeout : pool.config().acquireTimeout(), ctx);
            return new TenantLease<>(lease, owner, ticker);
        } catch (RuntimeException | Error e) {
            owner.leave(ticker.nanoTime());
            throw e;
        }
    }

    /** The tenant's live pool with one more user counted, made first if there is none. */
    private TenantPool<R> use(String tenant, ResourceContext ctx) {
        if (closed) {
            throw new ResourceClosedException(resource);
        }
        TenantPool<R> p = pools.get(tenant);
        if (p != null && p.tryUse()) {
            return p;
        }
        // none yet, or it was closed between the lookup and now. Only here is the id checked: a live pool
        // exists only for an id that passed, so the hit path needs no regex.
        if (!TenantTemplate.isValidTenantId(tenant)) {
            throw admission.denied(ctx, admission.invalidTenant(tenant));
        }
        return lifecycle.open(tenant, ctx);
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the pools that had no lease for {@code tenant.idle-timeout} and forgets rate buckets that are full
     * again. The housekeeping task calls this; tests with a fake ticker call it directly.
     *
     * @return how many pools were closed
     */
    public int closeIdle() {
        return lifecycle.closeIdle();
    }

    /**
     * An operator changes {@code tenant}'s quota. A live pool whose pipeline admits within a quota takes the new one
     * from its next acquisition, its leases out kept and counted against it; an idle live pool opened without a
     * quota stage is closed so that the tenant's next request opens one with it; pools opened later have it.
     *
     * @return {@code false}, and nothing changed, when the tenant's pool was opened without a quota stage and is in
     *         use: the new quota cannot be put in front of its leases out
     */
    public boolean changeQuota(String tenant, TenantQuota quota) {
        return lifecycle.changeQuota(tenant, quota);
    }

    /** The quota {@code tenant}'s pool admits within now: an operator's, else the configured one; empty without a live pool. */
    public Optional<TenantQuota> quotaOf(String tenant) {
        TenantPool<R> p = pools.get(tenant);
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(p.quota == null ? TenantQuota.NONE : p.quota.quota());
    }

    /** Drains and closes every tenant's pool; later acquisitions fail with {@link ResourceClosedException}. Idempotent. */
    @Override
    public void close() {
        lifecycle.close();
    }

    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ views

    /** The live pool of a tenant, if it has one. */
    public Optional<ResourcePool<R>> pool(String tenant) {
        TenantPool<R> p = pools.get(tenant);
        return p == null ? Optional.empty() : Optional.of(p.pool);
    }

    /** The tenants with a live pool. */
    public Set<String> tenants() {
        return new TreeSet<>(pools.keySet());
    }

    /** How many tenant pools are live. */
    public int size() {
        return pools.size();
    }

    /** How much of {@code tenant.max-instances} the live pools reserve. */
    public long reservedInstances() {
        return lifecycle.reserved();
    }

    /** The leases a tenant holds or is acquiring now; 0 when it has no live pool. */
    public int leasesOf(String tenant) {
        TenantPool<R> p = pools.get(tenant);
        return p == null ? 0 : Math.max(0, p.users.get());
    }

    /** Each live tenant pool's figures, by tenant. */
    public Map<String, PoolSnapshot> snapshots() {
        Map<String, PoolSnapshot> all = new TreeMap<>();
        for (TenantPool<R> p : new ArrayList<>(pools.values())) {
            all.put(p.tenant, p.pool.snapshot());
        }
        return all;
    }

    void listenerFailed(TenantPoolsListener l, RuntimeException e) {
        LOG.log(WARNING, () -> "NEBULA-4015 Listener " + l.getClass().getName() + " of the tenant pools of resource '"
                + resource + "' threw; ignored", e);
    }

    @Override
    public String toString() {
        return "TenantPools[" + resource + ", " + pools.size() + " live, " + limits + "]";
    }

    /** Assembles the tenant pools of one resource. */
    public static final class Builder<R> {
        private final TenantTemplate template;
        private final PoolFactory<R> factory;
        private TenantLimits limits;
        private Ticker ticker = Ticker.SYSTEM;
        private ScheduledExecutorService scheduler;
        private final List<TenantPoolsListener> listeners = new ArrayList<>();
        private Function<ResourceSettings, List<ConfigProblem>> validator = settings -> List.of();

        private Builder(TenantTemplate template, PoolFactory<R> factory) {
            this.template = Objects.requireNonNull(template, "template");
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /** The limits; default {@link TenantLimits#from} the template's settings. */
        public Builder<R> limits(TenantLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder<R> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Times the idle-pool housekeeping; default: the {@linkplain EngineThreads#timer() engine's timer}. */
        public Builder<R> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Checks one tenant's settings before its pool is made (the provider's {@code validate}): the template passed
         * at deployment for a sample id, so a problem now is this tenant's — its id spliced into a key breaks that
         * key's rules — and the tenant is refused ({@code TenantRequiredException}, {@code NEBULA-4002}) instead of
         * a pool being made that cannot work and takes the resource's health with it. Default: no check.
         */
        public Builder<R> validator(Function<ResourceSettings, List<ConfigProblem>> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        public Builder<R> listener(TenantPoolsListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @throws io.nebula.resource.ConfigurationInvalidException when no limits were given and the tenant.* keys are wrong */
        public TenantPools<R> build() {
            if (limits == null) {
                limits = TenantLimits.from(template.template());
            }
            TenantPools<R> pools = new TenantPools<>(this);
            if (!template.namesTheTenant()) {
                LOG.log(INFO, () -> "NEBULA-4008 Resource '" + pools.resource + "' has scope 'tenant' but none of its"
                        + " settings names the tenant ({tenant}): each tenant gets a pool of its own, all reaching the"
                        + " same place; put {tenant} in the URL, schema, database or user to separate their data");
            }
            return pools;
        }
    }
}
