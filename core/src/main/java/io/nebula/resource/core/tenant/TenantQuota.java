package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one tenant may take of a resource, read from its {@code tenant.quota.*} keys (which a tenant
 * overrides with {@code nebula.tenant.<id>.resource.<name>.tenant.quota.*}). Zero means no limit.
 *
 * <ul>
 *   <li>{@code tenant.quota.max-concurrent-leases}: leases held (or being acquired) at once;</li>
 *   <li>{@code tenant.quota.max-acquisitions-per-second}: a token bucket of this many tokens, refilled at this
 *       rate: a burst of that many, then that many per second.</li>
 * </ul>
 * A request over either fails at once with {@link io.nebula.resource.QuotaExceededException}, without waiting.
 */
public record TenantQuota(int maxConcurrentLeases, int maxAcquisitionsPerSecond) {

    public static final String MAX_CONCURRENT_LEASES = "tenant.quota.max-concurrent-leases";
    public static final String MAX_ACQUISITIONS_PER_SECOND = "tenant.quota.max-acquisitions-per-second";

    /** No quota. */
    public static final TenantQuota NONE = new TenantQuota(0, 0);

    /** The quota keys, described, with {@link #NONE}'s values as defaults (see docs/configuration.md). */
    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.integer(MAX_CONCURRENT_LEASES, NONE.maxConcurrentLeases, "Leases one tenant holds at once,"
                    + " counted from the start of an acquisition until its lease is closed; 0 for no limit."),
            ConfigKey.integer(MAX_ACQUISITIONS_PER_SECOND, NONE.maxAcquisitionsPerSecond, "A token bucket of this"
                    + " many tokens refilled at this many per second: a burst of that many, then that rate; 0 for no"
                    + " limit."));

    public static final Set<String> KEYS = DEFINITIONS.stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());

    public TenantQuota {
        if (maxConcurrentLeases < 0 || maxAcquisitionsPerSecond < 0) {
            throw new IllegalArgumentException("quotas must be 0 (no limit) or more");
        }
    }

    /** @throws io.nebula.resource.ConfigurationInvalidException naming every bad key */
    public static TenantQuota from(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        TenantQuota quota = read(settings, problems);
        problems.throwIfAny();
        return quota;
    }

    static TenantQuota read(ResourceSettings s, ConfigProblems problems) {
        Integer leases = problems.read(() -> s.intValue(MAX_CONCURRENT_LEASES, 0));
        Integer rate = problems.read(() -> s.intValue(MAX_ACQUISITIONS_PER_SECOND, 0));
        if (leases != null && leases < 0) {
            problems.add(s.keyOf(MAX_CONCURRENT_LEASES), "must be 0 (no limit) or more, was " + leases);
            leases = 0;
        }
        if (rate != null && rate < 0) {
            problems.add(s.keyOf(MAX_ACQUISITIONS_PER_SECOND), "must be 0 (no limit) or more, was " + rate);
            rate = 0;
        }
        return new TenantQuota(leases == null ? 0 : leases, rate == null ? 0 : rate);
    }

    @Override
    public String toString() {
        return MAX_CONCURRENT_LEASES + "=" + maxConcurrentLeases + ", " + MAX_ACQUISITIONS_PER_SECOND + "="
                + maxAcquisitionsPerSecond;
    }
}
