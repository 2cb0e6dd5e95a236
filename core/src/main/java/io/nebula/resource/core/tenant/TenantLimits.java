package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.spi.ConfigKey;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The limits of a tenant-scoped resource, read from its {@code tenant.*} keys. Zero means "no limit"
 * everywhere, and is the default except for the idle timeout.
 *
 * <ul>
 *   <li>{@code tenant.max-pools}: live tenant pools at most; the least recently used idle one is closed to make room;</li>
 *   <li>{@code tenant.max-instances}: instances across all tenants at most; each live tenant pool reserves its
 *       {@code pool.max-size} from it (for JDBC: connections), so the cap holds however the pools fill;</li>
 *   <li>{@code tenant.idle-timeout}: a tenant pool with no lease for this long is closed (default 10m);</li>
 *   <li>{@code tenant.quota.*}: each tenant's quota ({@link TenantQuota}), which a tenant may override.</li>
 * </ul>
 *
 * Immutable. {@link #from} checks every key and reports every problem at once; nothing is clamped.
 */
public final class TenantLimits {

    public static final String MAX_POOLS = "tenant.max-pools";
    public static final String MAX_INSTANCES = "tenant.max-instances";
    public static final String IDLE_TIMEOUT = "tenant.idle-timeout";

    private static final String POOL_MAX_SIZE = "pool.max-size";

    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** Every {@code tenant.*} key, described, with {@link #none()}'s values as defaults (see docs/configuration.md). */
    public static final List<ConfigKey> DEFINITIONS = definitions(none());

    /** The keys of the whole set of tenant pools: a tenant cannot override them. */
    public static final Set<String> RESOURCE_KEYS = Set.of(MAX_POOLS, MAX_INSTANCES, IDLE_TIMEOUT);
    /** Every {@code tenant.*} key; any other is reported as unknown. */
    public static final Set<String> KEYS = DEFINITIONS.stream().map(ConfigKey::name)
            .collect(Collectors.toUnmodifiableSet());

    private final int maxPools;
    private final long maxInstances;
    private final Duration idleTimeout;
    private final TenantQuota quota;

    private TenantLimits(int maxPools, long maxInstances, Duration idleTimeout, TenantQuota quota) {
        this.maxPools = maxPools;
        this.maxInstances = maxInstances;
        this.idleTimeout = idleTimeout;
        this.quota = quota;
    }

    private static List<ConfigKey> definitions(TenantLimits d) {
        List<ConfigKey> keys = new java.util.ArrayList<>(List.of(
                ConfigKey.integer(MAX_POOLS, d.maxPools, "Live tenant pools at most; the least recently used idle one"
                        + " is closed to make room; 0 for no limit."),
                ConfigKey.integer(MAX_INSTANCES, d.maxInstances, "Instances across all tenants at most: each live"
                        + " tenant pool reserves its pool.max-size from it (for JDBC: connections); 0 for no limit."),
                ConfigKey.duration(IDLE_TIMEOUT, d.idleTimeout, "A tenant pool with no lease for this long is closed,"
                        + " with its instances; 0 for never.")));
        keys.addAll(TenantQuota.DEFINITIONS);
        return List.copyOf(keys);
    }

    /** No limit on pools, instances or quotas; the default idle timeout. */
    public static TenantLimits none() {
        return new TenantLimits(0, 0, DEFAULT_IDLE_TIMEOUT, TenantQuota.NONE);
    }

    /** @throws io.nebula.resource.ConfigurationInvalidException listing every problem, each with its full key */
    public static TenantLimits from(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        TenantLimits limits = read(settings, problems);
        problems.throwIfAny();
        return limits;
    }

    /** The problems {@link #from} would report. */
    public static List<ConfigProblem> problems(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        read(settings, problems);
        return problems.list();
    }

    private static TenantLimits read(ResourceSettings s, ConfigProblems problems) {
        Integer maxPools = problems.read(() -> s.intValue(MAX_POOLS, 0));
        Long maxInstances = problems.read(() -> s.longValue(MAX_INSTANCES, 0));
        Duration idle = problems.read(() -> s.duration(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT));
        if (maxPools != null && maxPools < 0) {
            problems.add(s.keyOf(MAX_POOLS), "must be 0 (no limit) or more, was " + maxPools);
        }
        if (maxInstances != null && maxInstances < 0) {
            problems.add(s.keyOf(MAX_INSTANCES), "must be 0 (no limit) or more, was " + maxInstances);
        }
        if (maxInstances != null && maxInstances > 0) {
            int maxSize = poolMaxSize(s);
            if (maxSize > maxInstances) {
                // each tenant pool reserves its pool.max-size out of max-instances: not even one pool could be made,
                // and every acquisition would be refused at run time
                problems.add(s.keyOf(MAX_INSTANCES), "must be at least " + POOL_MAX_SIZE + " (" + maxSize + "): each"
                        + " tenant's pool reserves its " + POOL_MAX_SIZE + " out of it, so no tenant's pool could be made;"
                        + " was " + maxInstances);
            }
        }
        TenantQuota quota = TenantQuota.read(s, problems);
        for (String key : s.keys()) {
            if (key.startsWith("tenant.") && !KEYS.contains(key)) {
                problems.add(s.keyOf(key), "is not a tenant setting; known keys are "
                        + KEYS.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        return new TenantLimits(maxPools == null ? 0 : maxPools, maxInstances == null ? 0 : maxInstances,
                idle == null ? DEFAULT_IDLE_TIMEOUT : idle, quota);
    }

    /** The pool size each tenant pool reserves; a value that is not a number is the pool's problem, reported there. */
    private static int poolMaxSize(ResourceSettings s) {
        int byDefault = PoolConfig.defaults().maxSize();
        try {
            return s.intValue(POOL_MAX_SIZE, byDefault);
        } catch (RuntimeException e) {
            return byDefault;
        }
    }

    /** Live tenant pools at most; 0 for no limit. */
    public int maxPools() {
        return maxPools;
    }

    /** Instances across all tenants at most (each pool reserving its {@code pool.max-size}); 0 for no limit. */
    public long maxInstances() {
        return maxInstances;
    }

    /** How long a tenant pool may go without a lease before it is closed; zero for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The quota of a tenant that does not override it. */
    public TenantQuota quota() {
        return quota;
    }

    @Override
    public String toString() {
        return "TenantLimits[" + MAX_POOLS + "=" + maxPools + ", " + MAX_INSTANCES + "=" + maxInstances + ", "
                + IDLE_TIMEOUT + "=" + idleTimeout + ", " + quota + "]";
    }
}
