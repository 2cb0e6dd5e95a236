package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigProblem;

import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.TenantRequiredException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * Who may acquire from the {@link TenantPools} of one resource, and how much: a valid tenant id, the tenant's
 * {@link TenantQuota} (concurrent leases, acquisitions per second: checked by each tenant pool's pipeline through its
 * {@link QuotaAdmission}) and the resource's {@link TenantLimits} (live pools, reserved instances). Every refusal is
 * worded for the operator, names the key to raise, and is told to the listeners; none waits.
 */
final class TenantAdmission<R> {

    private final TenantPools<R> owner;
    private final String resource;
    private final Map<String, AcquisitionRate> rates = new ConcurrentHashMap<>();

    TenantAdmission(TenantPools<R> owner) {
        this.owner = owner;
        this.resource = owner.resource;
    }

    TenantRequiredException noTenant() {
        return new TenantRequiredException(resource, "NEBULA-4001 Resource '" + resource
                + "' has scope 'tenant' but no tenant is in effect: enter a tenant scope first (WorkflowContexts.enter"
                + "(tenant, ...)) or acquire with a ResourceContext naming the tenant. A tenant-scoped resource"
                + " has no shared pool to fall back to.");
    }

    TenantRequiredException invalidTenant(String tenant) {
        return new TenantRequiredException(resource, "NEBULA-4002 Resource '" + resource
                + "' cannot serve tenant '" + shown(tenant) + "': a tenant id is made of letters, digits, _ and -"
                + " (at most 63, starting with a letter or digit), as it is written into URLs, schema names and paths");
    }

    /**
     * A valid id whose settings, with the id in place of {@code {tenant}}, break a key's rules (a schema name grown
     * past its limit, say): this tenant is refused, naming the id and each key, and no pool is made for it.
     */
    TenantRequiredException invalidTenantSettings(String tenant, List<ConfigProblem> problems) {
        StringBuilder b = new StringBuilder("NEBULA-4002 Resource '").append(resource).append("' cannot serve tenant '")
                .append(shown(tenant)).append("': with this id in place of {tenant} its settings break ")
                .append(problems.size() == 1 ? "a key's rules: " : "the rules of " + problems.size() + " keys: ");
        for (int i = 0; i < problems.size(); i++) {
            b.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        return new TenantRequiredException(resource, b.toString());
    }

    QuotaExceededException overConcurrentLeases(String tenant, int max) {
        return new QuotaExceededException(resource, tenant, TenantQuota.MAX_CONCURRENT_LEASES, max, "NEBULA-4006 Tenant '"
                + tenant + "' is over its quota on resource '" + resource + "': " + TenantQuota.MAX_CONCURRENT_LEASES + "="
                + max + " leases are out already; close leases sooner or raise "
                + overrideKey(tenant, TenantQuota.MAX_CONCURRENT_LEASES));
    }

    /**
     * Takes one acquisition from the tenant's rate bucket, which outlives the tenant's pool (a pool closed and opened
     * again does not refill it). @throws QuotaExceededException when it is empty
     */
    void checkRate(String tenant, int rate, ResourceContext ctx) {
        long now = owner.ticker.nanoTime();
        AcquisitionRate bucket = rates.get(tenant);
        if (bucket == null || bucket.rate() != rate) {
            bucket = rates.compute(tenant, (t, b) -> b != null && b.rate() == rate ? b : new AcquisitionRate(rate, now));
        }
        if (!bucket.tryTake(now)) {
            throw denied(ctx, new QuotaExceededException(resource, tenant, TenantQuota.MAX_ACQUISITIONS_PER_SECOND,
                    rate, "NEBULA-4007 Tenant '" + tenant + "' is over its quota on resource '" + resource + "': "
                    + TenantQuota.MAX_ACQUISITIONS_PER_SECOND + "=" + rate + "; acquire less often or raise "
                    + overrideKey(tenant, TenantQuota.MAX_ACQUISITIONS_PER_SECOND)));
        }
    }

    /** Forgets the rate buckets that are full again. */
    void sweepRates(long now) {
        rates.values().removeIf(b -> b.isFull(now));
    }

    void clearRates() {
        rates.clear();
    }

    /** @throws QuotaExceededException when the tenant's pool alone would exceed {@code tenant.max-instances} */
    void checkReservation(String tenant, ResourceSettings settings, long reservation, ResourceContext ctx) {
        TenantLimits limits = owner.limits;
        if (limits.maxInstances() > 0 && reservation > limits.maxInstances()) {
            throw denied(ctx, new QuotaExceededException(resource, tenant, TenantLimits.MAX_INSTANCES,
                    limits.maxInstances(), "NEBULA-4009 Tenant '" + tenant + "' cannot have a pool of resource '"
                    + resource + "': its pool.max-size (" + reservation + ") alone exceeds "
                    + settings.keyOf(TenantLimits.MAX_INSTANCES) + " (" + limits.maxInstances() + ")"));
        }
    }

    /** Whether a new pool needs room: at {@code tenant.max-pools}, or its reservation over {@code tenant.max-instances}. */
    boolean full(long reserved, long reservation) {
        return overPools() || overInstances(reserved, reservation);
    }

    private boolean overPools() {
        return owner.limits.maxPools() > 0 && owner.pools.size() >= owner.limits.maxPools();
    }

    private boolean overInstances(long reserved, long reservation) {
        return owner.limits.maxInstances() > 0 && reserved + reservation > owner.limits.maxInstances();
    }

    /** The refusal when the limits leave no room and no pool is idle to close. */
    QuotaExceededException noRoom(String tenant, ResourceSettings settings, long reserved, long reservation) {
        TenantLimits limits = owner.limits;
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

    /** Logs a refusal and tells the listeners; returns it to be thrown. */
    ResourceException denied(ResourceContext ctx, ResourceException error) {
        TenantPools.LOG.log(DEBUG, () -> error.getMessage());
        for (TenantPoolsListener l : owner.listeners) {
            try {
                l.onDenied(ctx, error);
            } catch (RuntimeException e) {
                owner.listenerFailed(l, e);
            }
        }
        return error;
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
}
