package io.nebula.resource.core.tenant;

import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.core.PoolConfig;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The pools of a tenant-scoped resource: one per tenant, made on the tenant's first acquisition from the
 * resource's settings as a {@link TenantTemplate}, and kept within the resource's {@link TenantLimits}.
 *
 * <pre>{@code
 * TenantPools<Channel> jobs = TenantPools.builder(template, settings -> ResourcePool.builder(provider, settings).build())
 *         .limits(TenantLimits.from(settings)).build();
 * try (Lease<Channel> lease = jobs.acquire(new ResourceContext("acme", "billing", "run-42", "charge"), null)) {
 *     lease.get().basicPublish(...);
 * }
 * }</pre>
 *
 * <p><b>Isolation.</b> A lease comes from the pool of the tenant in the {@link ResourceContext} and from no
 * other; a request without a tenant, or with an id that cannot name one, is refused with
 * {@link TenantRequiredException}. There is no shared pool to fall back to.
 *
 * <p><b>Quotas</b> ({@link TenantQuota}) are checked before the pool is asked, and a request over one fails at
 * once with {@link QuotaExceededException} naming the tenant and the limit. Concurrent leases are counted
 * from the moment an acquisition starts until its lease is closed.
 *
 * <p><b>Limits.</b> With {@code tenant.max-pools} live pools, a new tenant's pool replaces the least recently
 * used idle one (no lease out, no acquisition under way); with none idle the request is refused at once.
 * {@code tenant.max-instances} is kept the same way: each live pool reserves its {@code pool.max-size}, so the
 * instances of all tenants together never exceed it, however the pools fill. A pool idle for
 * {@code tenant.idle-timeout} is closed by a housekeeping task. Opening and closing pools is serialized by
 * one lock; acquisitions from a live pool never take it.
 */
public final class TenantPools<R> implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.tenant");

    private final String resource;
    private final TenantTemplate template;
    private final TenantLimits limits;
    private final Function<ResourceSettings, ResourcePool<R>> factory;
    private final Ticker ticker;
    private final List<TenantPoolsListener> listeners;
    private final Map<String, TenantPool<R>> pools = new ConcurrentHashMap<>();
    private final Map<String, AcquisitionRate> rates = new ConcurrentHashMap<>();
    private final ReentrantLock opening = new ReentrantLock();
    private long reserved; // guarded by opening
    private volatile boolean closed;
    private final ScheduledFuture<?> housekeeping;

    private TenantPools(Builder<R> b) {
        this.resource = b.template.template().name();
        this.template = b.template;
        this.limits = b.limits;
        this.factory = b.factory;
        this.ticker = b.ticker;
        this.listeners = List.copyOf(b.listeners);
        this.housekeeping = schedule(b.scheduler != null ? b.scheduler : TenantThreads.scheduler());
    }

    /**
     * @param template the resource's settings and each tenant's overrides
     * @param factory  builds (does not start) a pool from one tenant's settings; may throw
     *                 {@link io.nebula.resource.ConfigurationInvalidException} when a tenant's settings are wrong
     */
    public static <R> Builder<R> builder(TenantTemplate template, Function<ResourceSettings, ResourcePool<R>> factory) {
        return new Builder<>(template, factory);
    }

    private ScheduledFuture<?> schedule(ScheduledExecutorService scheduler) {
        long idle = limits.idleTimeout().toNanos();
        // Often enough that a pool closes at most a quarter of its idle timeout late; buckets are swept as well.
        long interval = idle == 0 ? TimeUnit.SECONDS.toNanos(30)
                : Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(idle / 4, TimeUnit.SECONDS.toNanos(15)));
        try {
            return scheduler.scheduleWithFixedDelay(this::housekeepSafely, interval, interval, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(ERROR, "NEBULA-4010 Tenant pools of resource '" + resource + "' could not schedule their housekeeping;"
                    + " idle tenant pools will not be closed", e);
            return null;
        }
    }

    public String resource() {
        return resource;
    }

    public TenantLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------ acquire

    /**
     * Acquires from the pool of {@code ctx.tenant()}, making that pool first if the tenant has none.
     *
     * @param timeout how long to wait for an instance; {@code null} for the pool's {@code pool.acquire-timeout}.
     *                Quotas and limits never wait.
     * @throws TenantRequiredException when no valid tenant is in effect
     * @throws QuotaExceededException  when the tenant is over a quota, or the pools are at a limit with none idle
     * @throws ResourceClosedException when these pools are closed
     */
    public Lease<R> acquire(ResourceContext ctx, Duration timeout) {
        Objects.requireNonNull(ctx, "ctx");
        String tenant = ctx.tenant();
        if (tenant == null) {
            throw denied(ctx, new TenantRequiredException(resource, "NEBULA-4001 Resource '" + resource
                    + "' has scope 'tenant' but no tenant is in effect: enter a tenant scope first (WorkflowContexts.enter"
                    + "(tenant, ...)) or acquire with a ResourceContext naming the tenant. A tenant-scoped resource"
                    + " has no shared pool to fall back to."));
        }
        TenantPool<R> owner = use(tenant, ctx);
        try {
            checkRate(owner, ctx);
            ResourcePool<R> pool = owner.pool;
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
        if (p != null && take(p, ctx)) {
            return p;
        }
        // none yet, or it was closed between the lookup and now. Only here is the id checked: a live pool
        // exists only for an id that passed, so the hit path needs no regex.
        if (!TenantTemplate.isValidTenantId(tenant)) {
            throw denied(ctx, new TenantRequiredException(resource, "NEBULA-4002 Resource '" + resource
                    + "' cannot serve tenant '" + shown(tenant) + "': a tenant id is made of letters, digits, _ and -"
                    + " (at most 63, starting with a letter or digit), as it is written into URLs, schema names and paths"));
        }
        return open(tenant, ctx);
    }

    /**
     * Counts a user of {@code p}; {@code false} when it was retired meanwhile.
     *
     * @throws QuotaExceededException when the tenant holds {@code tenant.quota.max-concurrent-leases} already
     */
    private boolean take(TenantPool<R> p, ResourceContext ctx) {
        return switch (p.tryUse()) {
            case TAKEN -> true; // lastUsed is written when the user leaves: see TenantPool.lastUsed
            case RETIRED -> false;
            case OVER_QUOTA -> throw denied(ctx, new QuotaExceededException(resource, p.tenant,
                    TenantQuota.MAX_CONCURRENT_LEASES, p.maxConcurrentLeases, "NEBULA-4006 Tenant '" + p.tenant
                    + "' is over its quota on resource '" + resource + "': " + TenantQuota.MAX_CONCURRENT_LEASES + "="
                    + p.maxConcurrentLeases + " leases are out already; close leases sooner or raise "
                    + overrideKey(p.tenant, TenantQuota.MAX_CONCURRENT_LEASES)));
        };
    }

    private void checkRate(TenantPool<R> owner, ResourceContext ctx) {
        int rate = owner.maxAcquisitionsPerSecond;
        if (rate == 0) {
            return;
        }
        long now = ticker.nanoTime();
        AcquisitionRate bucket = rates.get(owner.tenant);
        if (bucket == null || bucket.rate() != rate) {
            bucket = rates.compute(owner.tenant, (t, b) -> b != null && b.rate() == rate ? b : new AcquisitionRate(rate, now));
        }
        if (!bucket.tryTake(now)) {
            throw denied(ctx, new QuotaExceededException(resource, owner.tenant, TenantQuota.MAX_ACQUISITIONS_PER_SECOND,
                    rate, "NEBULA-4007 Tenant '" + owner.tenant + "' is over its quota on resource '" + resource + "': "
                    + TenantQuota.MAX_ACQUISITIONS_PER_SECOND + "=" + rate + "; acquire less often or raise "
                    + overrideKey(owner.tenant, TenantQuota.MAX_ACQUISITIONS_PER_SECOND)));
        }
    }

    // ------------------------------------------------------------------ open and close

    /**
     * The tenant's pool with one more user counted: the one another thread just made, or a new one, made after
     * closing least recently used idle pools while the limits leave no room. A pool in the map cannot be
     * retired while the lock is held, so the user is counted before any other opener could pick it to close.
     */
    private TenantPool<R> open(String tenant, ResourceContext ctx) {
        opening.lock();
        try {
            if (closed) {
                throw new ResourceClosedException(resource);
            }
            TenantPool<R> existing = pools.get(tenant);
            if (existing != null && take(existing, ctx)) {
                return existing;
            }
            ResourceSettings settings = template.settingsFor(tenant);
            TenantQuota quota = TenantQuota.from(settings);
            long reservation = limits.maxInstances() > 0 ? PoolConfig.from(settings).maxSize() : 0;
            if (limits.maxInstances() > 0 && reservation > limits.maxInstances()) {
                throw denied(ctx, new QuotaExceededException(resource, tenant, TenantLimits.MAX_INSTANCES,
                        limits.maxInstances(), "NEBULA-4009 Tenant '" + tenant + "' cannot have a pool of resource '"
                        + resource + "': its pool.max-size (" + reservation + ") alone exceeds "
                        + settings.keyOf(TenantLimits.MAX_INSTANCES) + " (" + limits.maxInstances() + ")"));
            }
            while (overPools() || overInstances(reservation)) {
                TenantPool<R> victim = leastRecentlyUsedIdle();
                if (victim == null) {
                    throw denied(ctx, full(tenant, settings, reservation));
                }
                closeLocked(victim, "lru");
            }
            ResourcePool<R> pool = factory.apply(settings);
            TenantPool<R> p = new TenantPool<>(tenant, pool, quota, reservation, ticker.nanoTime());
            pools.put(tenant, p);
            reserved += reservation;
            take(p, ctx);
            LOG.log(DEBUG, () -> "NEBULA-4003 Resource '" + resource + "' opened a pool for tenant '" + tenant + "' ("
                    + pools.size() + " tenant pools live" + (limits.maxPools() > 0 ? " of " + limits.maxPools() : "")
                    + (limits.maxInstances() > 0 ? ", " + reserved + " of " + limits.maxInstances() + " instances reserved" : "")
                    + ")");
            for (TenantPoolsListener l : listeners) {
                try {
                    l.onPoolOpened(tenant, pool);
                } catch (RuntimeException e) {
                    listenerFailed(l, e);
                }
            }
            return p;
        } finally {
            opening.unlock();
        }
    }

    private boolean overPools() {
        return limits.maxPools() > 0 && pools.size() >= limits.maxPools();
    }

    private boolean overInstances(long reservation) {
        return limits.maxInstances() > 0 && reserved + reservation > limits.maxInstances();
    }

    private QuotaExceededException full(String tenant, ResourceSettings settings, long reservation) {
        if (overPools()) {
            return new QuotaExceededException(resource, tenant, TenantLimits.MAX_POOLS, limits.maxPools(),
                    "NEBULA-4004 Tenant '" + tenant + "' cannot have a pool of resource '" + resource + "' now: all "
                            + limits.maxPools() + " tenant pools allowed (" + settings.keyOf(TenantLimits.MAX_POOLS)
                            + ") are in use and none is idle to close; retry later or raise the limit");
        }
        return new QuotaExceededException(resource, tenant, TenantLimits.MAX_INSTANCES, limits.maxInstances(),
                "NEBULA-4004 Tenant '" + tenant + "' cannot have a pool of resource '" + resource + "' now: its "
                        + reservation + " instances (pool.max-size) do not fit in "
                        + settings.keyOf(TenantLimits.MAX_INSTANCES) + " (" + limits.maxInstances() + ", " + reserved
                        + " reserved by busy tenant pools) and no pool is idle to close; retry later or raise the limit");
    }

    private TenantPool<R> leastRecentlyUsedIdle() {
        TenantPool<R> oldest = null;
        for (TenantPool<R> p : pools.values()) {
            if (p.isIdle() && (oldest == null || p.lastUsed - oldest.lastUsed < 0)) {
                oldest = p;
            }
        }
        return oldest;
    }

    /**
     * Closes an idle pool; does nothing if it is in use after all. Runs under the lock and waits for the pool
     * to drain, so the instances it freed are gone before their reservation is given to another tenant.
     */
    private boolean closeLocked(TenantPool<R> p, String reason) {
        if (!p.retire()) {
            return false;
        }
        pools.remove(p.tenant, p);
        closing(p.tenant, reason);
        try {
            p.pool.close();
        } catch (RuntimeException e) {
            LOG.log(WARNING, "NEBULA-4011 Closing the pool of tenant '" + p.tenant + "' of resource '" + resource
                    + "' failed", e);
        } finally {
            reserved -= p.reservation;
        }
        LOG.log(DEBUG, () -> "NEBULA-4005 Resource '" + resource + "' closed the pool of tenant '" + p.tenant + "' ("
                + reason + "); " + pools.size() + " tenant pools live");
        for (TenantPoolsListener l : listeners) {
            try {
                l.onPoolClosed(p.tenant, reason);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
        return true;
    }

    /**
     * Closes the pools that had no lease for {@code tenant.idle-timeout} and forgets rate buckets that are full
     * again. The housekeeping task calls this; tests with a fake ticker call it directly.
     *
     * @return how many pools were closed
     */
    public int closeIdle() {
        long now = ticker.nanoTime();
        rates.values().removeIf(b -> b.isFull(now));
        long idle = limits.idleTimeout().toNanos();
        if (idle == 0 || closed) {
            return 0;
        }
        int n = 0;
        for (TenantPool<R> p : pools.values()) {
            if (p.isIdle() && now - p.lastUsed >= idle) {
                opening.lock();
                try {
                    if (!closed && p.isIdle() && ticker.nanoTime() - p.lastUsed >= idle && closeLocked(p, "idle")) {
                        n++;
                    }
                } finally {
                    opening.unlock();
                }
            }
        }
        if (n > 0) {
            int closedNow = n;
            LOG.log(DEBUG, () -> "NEBULA-4012 Resource '" + resource + "' closed " + closedNow
                    + " tenant pools idle for " + limits.idleTimeout());
        }
        return n;
    }

    private void housekeepSafely() {
        try {
            closeIdle();
        } catch (RuntimeException | Error e) {
            // an exception would cancel the periodic task, and idle pools would never close again
            LOG.log(ERROR, "NEBULA-4013 Housekeeping of the tenant pools of resource '" + resource + "' failed", e);
        }
    }

    /** Drains and closes every tenant's pool; later acquisitions fail with {@link ResourceClosedException}. Idempotent. */
    @Override
    public void close() {
        opening.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (housekeeping != null) {
                housekeeping.cancel(false);
            }
            for (TenantPool<R> p : pools.values()) {
                p.users.set(TenantPool.RETIRED); // no newcomer; leases out are drained with the pool's grace
                pools.remove(p.tenant, p);
                reserved -= p.reservation;
                closing(p.tenant, "shutdown");
                try {
                    p.pool.close();
                } catch (RuntimeException e) {
                    LOG.log(WARNING, "NEBULA-4011 Closing the pool of tenant '" + p.tenant + "' of resource '"
                            + resource + "' failed", e);
                }
                for (TenantPoolsListener l : listeners) {
                    try {
                        l.onPoolClosed(p.tenant, "shutdown");
                    } catch (RuntimeException e) {
                        listenerFailed(l, e);
                    }
                }
            }
            rates.clear();
        } finally {
            opening.unlock();
        }
        LOG.log(DEBUG, () -> "NEBULA-4014 Tenant pools of resource '" + resource + "' closed");
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
        opening.lock();
        try {
            return reserved;
        } finally {
            opening.unlock();
        }
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

    // ------------------------------------------------------------------ helpers

    private ResourceException denied(ResourceContext ctx, ResourceException error) {
        LOG.log(DEBUG, () -> error.getMessage());
        for (TenantPoolsListener l : listeners) {
            try {
                l.onDenied(ctx, error);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
        return error;
    }

    private void closing(String tenant, String reason) {
        for (TenantPoolsListener l : listeners) {
            try {
                l.onPoolClosing(tenant, reason);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    private void listenerFailed(TenantPoolsListener l, RuntimeException e) {
        LOG.log(WARNING, () -> "NEBULA-4015 Listener " + l.getClass().getName() + " of the tenant pools of resource '"
                + resource + "' threw; ignored", e);
    }

    private String overrideKey(String tenant, String key) {
        return "nebula.tenant." + tenant + ".resource." + resource + "." + key + " (or " + ResourceSettings.PREFIX
                + resource + "." + key + " for every tenant)";
    }

    /** A tenant id as it may be shown: it was refused, so it may be long or hold anything. */
    private static String shown(String tenant) {
        String s = tenant.length() > 64 ? tenant.substring(0, 64) + "..." : tenant;
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "TenantPools[" + resource + ", " + pools.size() + " live, " + limits + "]";
    }

    /** Assembles the tenant pools of one resource. */
    public static final class Builder<R> {
        private final TenantTemplate template;
        private final Function<ResourceSettings, ResourcePool<R>> factory;
        private TenantLimits limits;
        private Ticker ticker = Ticker.SYSTEM;
        private ScheduledExecutorService scheduler;
        private final List<TenantPoolsListener> listeners = new ArrayList<>();

        private Builder(TenantTemplate template, Function<ResourceSettings, ResourcePool<R>> factory) {
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

        /** Runs the idle-pool housekeeping; default: one daemon thread shared by every resource. */
        public Builder<R> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
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
