package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.tenant.TenantPools;
import io.nebula.resource.core.tenant.TenantQuota;
import io.nebula.resource.event.ResourceAdminEvent;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.INFO;

/**
 * The {@link ResourceAdmin} of one {@link ResourceRegistry}: each change is validated as configuration is (the
 * resource's settings with the change applied, parsed by {@link ResourceDeclaration#parse}: the same messages, under
 * the same full keys, every problem at once, nothing applied on any), applied to the live pools without dropping a
 * lease, recorded in the resource's audit trail (kind {@code ADMIN}) and fired as a {@link ResourceAdminEvent} through
 * the registry's events. Changes of one resource are made one at a time.
 */
public final class ResourceAdministration implements ResourceAdmin {

    private static final System.Logger LOG = System.getLogger(ResourceAdministration.class.getName());

    /** The principal recorded when nobody is known. */
    public static final String SYSTEM = "system";

    private final ResourceRegistry<?> registry;
    private final Supplier<String> principal;
    private final Shared shared;

    /** @param principal who makes each change, asked at each call; {@code null} or blank for {@value #SYSTEM} */
    ResourceAdministration(ResourceRegistry<?> registry, Supplier<String> principal, Clock clock) {
        this(registry, principal, new Shared(clock));
    }

    private ResourceAdministration(ResourceRegistry<?> registry, Supplier<String> principal, Shared shared) {
        this.registry = registry;
        this.principal = principal;
        this.shared = shared;
    }

    /** What every view of the administration ({@link #as}, {@link #by}) shares. */
    private static final class Shared {
        final Clock clock;
        final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<Integer>> drains = new ConcurrentHashMap<>();

        Shared(Clock clock) {
            this.clock = clock;
        }
    }

    @Override
    public ResourceAdministration as(String name) {
        return new ResourceAdministration(registry, () -> name, shared);
    }

    /** The same administration, asking {@code caller} who makes each change (a container's caller principal). */
    public ResourceAdministration by(Supplier<String> caller) {
        return new ResourceAdministration(registry, caller, shared);
    }

    // ------------------------------------------------------------------ sizes and changeable keys

    @Override
    public AdminChange resize(String resource, int minSize, int maxSize) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(ChangeableKeys.MIN_SIZE, Integer.toString(minSize));
        keys.put(ChangeableKeys.MAX_SIZE, Integer.toString(maxSize));
        return configure(resource, AdminAction.RESIZE, keys);
    }

    @Override
    public AdminChange apply(String resource, Map<String, String> keys) {
        return configure(resource, AdminAction.CONFIGURE, keys);
    }

    private AdminChange configure(String resource, AdminAction action, Map<String, String> keys) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            ResourceDeclaration current = pools.declaration();
            ResourceSettings settings = current.settings();
            ConfigProblems problems = new ConfigProblems();
            for (String key : new TreeMap<>(keys).keySet()) {
                if (!ChangeableKeys.isChangeable(key)) {
                    problems.add(settings.keyOf(key), ChangeableKeys.notChangeable(key));
                }
            }
            if (current.scope() == ResourceScope.TENANT && keys.containsKey(ChangeableKeys.MAX_SIZE)
                    && settings.intValue(io.nebula.resource.core.tenant.TenantLimits.MAX_INSTANCES, 0) > 0) {
                problems.add(settings.keyOf(ChangeableKeys.MAX_SIZE), "cannot change at run time on a tenant-scoped"
                        + " resource with " + io.nebula.resource.core.tenant.TenantLimits.MAX_INSTANCES + " set: each"
                        + " tenant's pool reserves its pool.max-size of that limit when it opens");
            }
            if (keys.containsKey(io.nebula.resource.core.pipeline.ResiliencePolicy.TIMEOUT)
                    && current.resilience().maxConcurrent() > 0) {
                problems.add(settings.keyOf(io.nebula.resource.core.pipeline.ResiliencePolicy.TIMEOUT), "cannot change"
                        + " at run time on a resource with " + io.nebula.resource.core.pipeline.ResiliencePolicy.BULKHEAD_MAX
                        + " set: the timeout and the bulkhead are one guard of the attempts, and a new one would lose"
                        + " count of the attempts under way");
            }
            if (keys.containsKey(io.nebula.resource.core.pipeline.ResiliencePolicy.TIMEOUT) && current.provider() != null
                    && current.provider().keys().contains(io.nebula.resource.core.pipeline.ResiliencePolicy.TIMEOUT)) {
                problems.add(settings.keyOf(io.nebula.resource.core.pipeline.ResiliencePolicy.TIMEOUT), "cannot change"
                        + " at run time on a resource of kind " + current.provider().kind() + ": its provider reads the"
                        + " same key once, when it makes an instance, so only the attempts would take the new value");
            }
            ResourceSettings changed = settings.withAll(keys);
            Optional<ResourceDeclaration> parsed = ResourceDeclaration.parse(changed, registry.providers(), problems);
            problems.throwIfAny();
            ResourceDeclaration next = parsed.orElseThrow();
            Map<String, String> before = new TreeMap<>();
            Map<String, String> after = new TreeMap<>();
            for (String key : keys.keySet()) {
                before.put(key, current.settings().string(key).orElse(defaultOf(current, key)));
                after.put(key, next.settings().string(key).orElseThrow());
            }
            int min = next.pool().minSize();
            int max = next.pool().maxSize();
            boolean resized = min != current.pool().minSize() || max != current.pool().maxSize();
            pools.reconfigured(next);
            if (resized) {
                for (WovenPool<?> pool : pools.live().list()) {
                    pool.resize(min, max); // idle instances over a smaller maximum go now, leases out as they return
                }
            }
            if (!next.resilience().equals(current.resilience())) { // only its changeable keys may differ
                for (WovenPool<?> pool : pools.live().list()) {
                    pool.resilience(next.resilience());
                }
            }
            if (!next.health().equals(current.health())) { // interval and depth: quarantine-after is not changeable
                for (WovenPool<?> pool : pools.live().list()) {
                    pool.healthChecks(next.health());
                }
            }
            return record(pools, null, action, before, after, "");
        });
    }

    /** The value a key has when not set: the pool's sizes as parsed, else the reference's default. */
    private static String defaultOf(ResourceDeclaration d, String key) {
        return switch (key) {
            case ChangeableKeys.MIN_SIZE -> Integer.toString(d.pool().minSize());
            case ChangeableKeys.MAX_SIZE -> Integer.toString(d.pool().maxSize());
            default -> ResourceKeys.DEFINITIONS.values().stream().flatMap(List::stream)
                    .filter(k -> k.name().equals(key) && k.defaultValue() != null)
                    .map(io.nebula.resource.spi.ConfigKey::defaultValue).findFirst().orElse("");
        };
    }

    // ------------------------------------------------------------------ holds

    @Override
    public AdminChange pause(String resource) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            pools.hold(AdminAction.PAUSE);
            return record(pools, null, AdminAction.PAUSE, Map.of(), Map.of(), "");
        });
    }

    @Override
    public AdminChange resume(String resource) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            CompletableFuture<Integer> drain = shared.drains.remove(resource);
            if (drain != null) {
                drain.cancel(false); // a drain still waiting for leases closes nothing after the resume
            }
            pools.hold(null);
            pools.live().list().forEach(WovenPool::reopen);
            return record(pools, null, AdminAction.RESUME, Map.of(), Map.of(), "");
        });
    }

    /**
     * Holds the resource ({@link AdminAction#DRAIN}), then on a thread of its own waits at most {@code timeout} for
     * the leases out to come back and closes every idle instance of each pool ({@link WovenPool#closeIdle}); a pool
     * of one shared instance keeps it. {@link #drainOf} tells when that is done.
     */
    @Override
    public AdminChange drain(String resource, Duration timeout) {
        DeclaredPools<?> pools = pools(resource);
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("the drain timeout must be 0 or more, was " + timeout);
        }
        return locked(resource, () -> {
            pools.hold(AdminAction.DRAIN);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            CompletableFuture<Integer> previous = shared.drains.put(resource, done);
            if (previous != null) {
                previous.cancel(false);
            }
            Thread drainer = new Thread(() -> drainAfterLeases(pools, timeout, done), "nebula-drain-" + resource);
            drainer.setDaemon(true);
            drainer.start();
            return record(pools, null, AdminAction.DRAIN, Map.of(), Map.of(), "timeout=" + timeout);
        });
    }

    private static void drainAfterLeases(DeclaredPools<?> pools, Duration timeout, CompletableFuture<Integer> done) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (;;) {
                boolean leased = pools.live().list().stream().map(WovenPool::snapshot).mapToInt(PoolSnapshot::active)
                        .sum() > 0;
                long remaining = deadline - System.nanoTime();
                if (!leased || remaining <= 0 || done.isDone()) {
                    break;
                }
                // a lease coming back does not signal us: a short bounded park, as the pool's own drain does
                LockSupport.parkNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)));
            }
            if (done.isDone()) {
                return; // resumed meanwhile
            }
            int closed = 0;
            for (WovenPool<?> pool : pools.live().list()) {
                closed += pool.closeIdle();
            }
            int n = closed;
            LOG.log(INFO, () -> "NEBULA-4402 Resource '" + pools.name() + "' drained: " + n + " idle instances closed;"
                    + " it takes no new leases until it is resumed");
            done.complete(closed);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    /**
     * The last drain of {@code resource} under way or done: completes with the number of idle instances it closed,
     * once its leases came back (or its timeout passed); cancelled by {@link #resume}. Empty when none was asked.
     */
    public Optional<CompletableFuture<Integer>> drainOf(String resource) {
        return Optional.ofNullable(shared.drains.get(resource));
    }

    // ------------------------------------------------------------------ quarantine, circuit, credentials

    @Override
    public AdminChange quarantine(String resource, String reason) {
        DeclaredPools<?> pools = pools(resource);
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        return locked(resource, () -> {
            pools.quarantine(why);
            return record(pools, null, AdminAction.QUARANTINE, Map.of(), Map.of(), "reason=" + why);
        });
    }

    @Override
    public AdminChange release(String resource) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            pools.quarantine(null);
            return record(pools, null, AdminAction.RELEASE, Map.of(), Map.of(), "");
        });
    }

    @Override
    public AdminChange resetCircuit(String resource) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            pools.live().list().forEach(WovenPool::resetCircuit);
            return record(pools, null, AdminAction.RESET_CIRCUIT, Map.of(), Map.of(), "");
        });
    }

    @Override
    public AdminChange refreshCredentials(String resource) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            CredentialedProvider<?> any = null;
            for (WovenPool<?> pool : pools.live().list()) {
                if (pool.provider() instanceof CredentialedProvider<?> credentialed) {
                    credentialed.refreshUnannounced(); // as its watch would on its next turn: a changed value rotates
                    any = credentialed;
                }
            }
            if (any != null) {
                // in a cluster, every other node re-reads its source at once, changed here or not: the operator
                // may have rotated the secret where this node's source has not seen it yet
                any.announce();
            }
            return record(pools, null, AdminAction.REFRESH_CREDENTIALS, Map.of(), Map.of(), "");
        });
    }

    // ------------------------------------------------------------------ tenants

    @Override
    public AdminChange tenantQuota(String resource, String tenant, Map<String, String> quotaKeys) {
        DeclaredPools<?> pools = pools(resource);
        return locked(resource, () -> {
            ResourceDeclaration d = pools.declaration();
            ResourceSettings settings = d.settings();
            ConfigProblems problems = new ConfigProblems();
            if (tenant == null || tenant.isBlank()) {
                throw new IllegalArgumentException("a tenant quota is changed for one tenant: name it");
            }
            if (d.scope() != ResourceScope.TENANT) {
                problems.add(settings.keyOf(ResourceDeclaration.SCOPE), "is " + d.scope().configName() + ": tenant"
                        + " quotas apply to a resource of scope tenant only");
            }
            for (String key : new TreeMap<>(quotaKeys).keySet()) {
                if (!TenantQuota.KEYS.contains(key)) {
                    problems.add(settings.keyOf(key), "is not a tenant quota key; the quota keys are "
                            + new java.util.TreeSet<>(TenantQuota.KEYS));
                }
            }
            TenantPools<?> tenants = pools.tenantPools();
            TenantQuota before = tenants == null ? null : tenants.quotaOf(tenant).orElse(null);
            if (before == null) {
                before = readQuota(pools.registryTenantSettings(tenant), new ConfigProblems());
            }
            Map<String, String> values = new TreeMap<>();
            values.put(TenantQuota.MAX_CONCURRENT_LEASES, Integer.toString(before.maxConcurrentLeases()));
            values.put(TenantQuota.MAX_ACQUISITIONS_PER_SECOND, Integer.toString(before.maxAcquisitionsPerSecond()));
            values.putAll(quotaKeys);
            TenantQuota next = readQuota(settings.withAll(values), problems);
            problems.throwIfAny();
            if (tenants != null && !tenants.changeQuota(tenant, next)) {
                throw new ConfigurationInvalidException(List.of(new io.nebula.resource.ConfigProblem(
                        settings.keyOf(quotaKeys.keySet().iterator().next()), "cannot change at run time for tenant '"
                        + tenant + "' now: its pool opened without a quota and has leases out; try again once they"
                        + " came back")));
            }
            pools.quotaChanged(tenant, next);
            Map<String, String> beforeKeys = quotaKeys(before, quotaKeys);
            Map<String, String> afterKeys = quotaKeys(next, quotaKeys);
            return record(pools, tenant, AdminAction.TENANT_QUOTA, beforeKeys, afterKeys, "");
        });
    }

    private static TenantQuota readQuota(ResourceSettings settings, ConfigProblems problems) {
        try {
            return TenantQuota.from(settings);
        } catch (ConfigurationInvalidException e) {
            problems.addAll(e.problems());
            return TenantQuota.NONE;
        }
    }

    private static Map<String, String> quotaKeys(TenantQuota quota, Map<String, String> asked) {
        Map<String, String> m = new TreeMap<>();
        for (String key : asked.keySet()) {
            m.put(key, Integer.toString(key.equals(TenantQuota.MAX_CONCURRENT_LEASES) ? quota.maxConcurrentLeases()
                    : quota.maxAcquisitionsPerSecond()));
        }
        return m;
    }

    // ------------------------------------------------------------------ common

    private DeclaredPools<?> pools(String resource) {
        Optional<? extends ResourceRegistry.Entry> entry = registry.find(resource);
        if (entry.isEmpty()) {
            throw new IllegalArgumentException("No resource named '" + resource + "' is declared; declared resources: "
                    + registry.names());
        }
        return entry.get().pools();
    }

    private AdminChange locked(String resource, Supplier<AdminChange> change) {
        ReentrantLock lock = shared.locks.computeIfAbsent(resource, r -> new ReentrantLock());
        lock.lock();
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }

    private AdminChange record(DeclaredPools<?> pools, String tenant, AdminAction action, Map<String, String> before,
                               Map<String, String> after, String more) {
        String who = principal();
        AdminChange change = new AdminChange(pools.name(), tenant, action, who, before, after, shared.clock.instant());
        String detail = "action=" + action + (before.isEmpty() ? "" : " before=" + new TreeMap<>(before) + " after="
                + new TreeMap<>(after)) + (more.isEmpty() ? "" : " " + more);
        pools.auditTrail().administered(tenant, who, detail);
        LOG.log(INFO, () -> "NEBULA-4403 Resource '" + pools.name() + "'" + (tenant == null ? "" : " (tenant '" + tenant
                + "')") + " changed by " + who + ": " + detail);
        registry.fire(new ResourceAdminEvent(change));
        return change;
    }

    private String principal() {
        String name;
        try {
            name = principal.get();
        } catch (RuntimeException e) {
            name = null; // no security context on this thread
        }
        return name == null || name.isBlank() ? SYSTEM : name;
    }
}
