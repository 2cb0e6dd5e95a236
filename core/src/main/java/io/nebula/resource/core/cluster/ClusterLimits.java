package io.nebula.resource.core.cluster;

import io.nebula.resource.ClusterOverview;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.spi.InstanceBudget;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The cluster-wide limits of one resource on this node ({@link ClusterQuota}): what the pipeline's cluster stage
 * asks before an acquisition and tells when its lease is given back. One per resource, shared by the pools of all its
 * tenants, so {@code cluster.max-concurrent-leases} counts every lease of the resource on the node.
 */
public final class ClusterLimits {

    private final String resource;
    private final ClusterQuota quota;
    private final ClusterNode node;
    private final LeaseBudget leases; // null without cluster.max-concurrent-leases
    private final ConcurrentMap<String, LeaseBudget> tenantLeases = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RateBudget> tenantRates = new ConcurrentHashMap<>();
    private final LeaseBudget instances; // null without cluster.max-instances
    private final ConcurrentMap<String, LeaseBudget> tenantInstances = new ConcurrentHashMap<>();

    ClusterLimits(String resource, ClusterQuota quota, ClusterNode node) {
        this.resource = resource;
        this.quota = quota;
        this.node = node;
        this.leases = quota.maxConcurrentLeases() > 0
                ? new LeaseBudget(resource + ":leases", quota.maxConcurrentLeases(),
                        LeaseBudget.batchFor(quota.maxConcurrentLeases(), quota.batch()), node,
                        LeaseBudget.stripesFor(quota.maxConcurrentLeases(), quota.batch()))
                : null;
        this.instances = quota.maxInstances() > 0
                ? new LeaseBudget(resource + ":instances", quota.maxInstances(),
                        LeaseBudget.batchFor(quota.maxInstances(), quota.batch()), node)
                : null;
    }

    /** Whether a lease or acquisition limit is set: only then do the pools' leases pass the cluster stage. */
    public boolean countsLeases() {
        return quota.limitsLeases();
    }

    /**
     * The budget of physical instances for the pool of {@code tenant} ({@code null}: the resource's shared pool):
     * {@code cluster.max-instances}, and {@code cluster.tenant.max-instances} for a tenant's; what a provider that
     * opens its own connections takes before opening one ({@link InstanceBudget}). {@link InstanceBudget#UNLIMITED}
     * when neither is set.
     */
    public InstanceBudget instances(String tenant) {
        LeaseBudget tenantBudget = tenant == null || quota.tenantMaxInstances() == 0 ? null
                : tenantInstances.computeIfAbsent(tenant, t -> new LeaseBudget(resource + ":tenant:" + t
                        + ":instances", quota.tenantMaxInstances(), tenantBatch(quota.tenantMaxInstances()), node));
        if (tenantBudget == null && instances == null) {
            return InstanceBudget.UNLIMITED;
        }
        return new Instances(tenant, tenantBudget);
    }

    /** One pool's instance budget: its tenant's limit first, then the resource's, as {@link #enter} does leases. */
    private final class Instances implements InstanceBudget {
        private final String tenant;
        private final LeaseBudget tenantBudget;

        Instances(String tenant, LeaseBudget tenantBudget) {
            this.tenant = tenant;
            this.tenantBudget = tenantBudget;
        }

        @Override
        public void take() {
            if (!node.available()) {
                aloneInstance();
                return;
            }
            try {
                if (tenantBudget != null && !tenantBudget.enter()) {
                    throw refusedInstance(tenant, TENANT_INSTANCES_KEY, quota.tenantMaxInstances());
                }
                try {
                    if (instances != null && !instances.enter()) {
                        throw refusedInstance(tenant, INSTANCES_KEY, quota.maxInstances());
                    }
                } catch (RuntimeException e) {
                    if (tenantBudget != null) {
                        tenantBudget.leave(!(e instanceof ClusterUnavailableException));
                    }
                    throw e;
                }
            } catch (ClusterUnavailableException e) {
                node.failed(e);
                aloneInstance(); // as a lease: admitted by the local limits (pool.max-size), claimed at the next heartbeat
            }
        }

        private void aloneInstance() {
            if (tenantBudget != null) {
                tenantBudget.enterAlone();
            }
            if (instances != null) {
                instances.enterAlone();
            }
            node.admittedAlone(1);
        }

        @Override
        public void give() {
            boolean up = node.available();
            try {
                if (instances != null) {
                    instances.leave(up);
                }
                if (tenantBudget != null) {
                    tenantBudget.leave(up);
                }
            } catch (ClusterUnavailableException e) {
                node.failed(e); // counted by the backend until the next heartbeat's sync
            }
        }

        @Override
        public String toString() {
            return "ClusterLimits.instances[" + resource + (tenant == null ? "" : ", tenant " + tenant) + "]";
        }
    }

    private static final String INSTANCES_KEY = ClusterQuota.MAX_INSTANCES;
    private static final String TENANT_INSTANCES_KEY = ClusterQuota.TENANT_MAX_INSTANCES;

    private QuotaExceededException refusedInstance(String tenant, String key, int value) {
        String who = tenant == null ? "" : " for tenant '" + tenant + "'";
        return new QuotaExceededException(resource, tenant, key, value, "NEBULA-4610 Opening a new instance of '"
                + resource + "'" + who + " refused: the cluster-wide limit " + key + "=" + value
                + " is reached across all nodes");
    }

    /**
     * Admits one acquisition of {@code ctx}, holding its permits until {@link #leave}; never waits on the backend
     * longer than its bound. While the backend does not answer, admits by the local limits alone.
     *
     * @throws QuotaExceededException naming the cluster limit ({@code cluster.*}) that is reached across the cluster
     */
    public void enter(ResourceContext ctx) {
        String tenant = ctx.tenant();
        LeaseBudget tenantBudget = tenant == null ? null : tenantLeases(tenant);
        if (!node.available()) {
            alone(tenant, tenantBudget);
            return;
        }
        try {
            if (tenant != null && quota.tenantMaxAcquisitionsPerSecond() > 0 && !tenantRate(tenant).enter()) {
                throw refused(tenant, "cluster.tenant.max-acquisitions-per-second", quota.tenantMaxAcquisitionsPerSecond());
            }
            if (tenantBudget != null && !tenantBudget.enter()) {
                throw refused(tenant, "cluster.tenant.max-concurrent-leases", quota.tenantMaxConcurrentLeases());
            }
            try {
                if (leases != null && !leases.enter()) {
                    throw refused(tenant, "cluster.max-concurrent-leases", quota.maxConcurrentLeases());
                }
            } catch (RuntimeException e) {
                if (tenantBudget != null) {
                    tenantBudget.leave(!(e instanceof ClusterUnavailableException));
                }
                throw e;
            }
        } catch (ClusterUnavailableException e) {
            node.failed(e);
            // nothing is held from the failed call: admitted alone, the next heartbeat tells the backend
            alone(tenant, tenantBudget);
        }
    }

    private void alone(String tenant, LeaseBudget tenantBudget) {
        if (tenantBudget != null) {
            tenantBudget.enterAlone();
        }
        if (leases != null) {
            leases.enterAlone();
        }
        node.admittedAlone(1);
        node.listeners().admittedAlone(resource, tenant);
    }

    /** The lease of an acquisition admitted by {@link #enter} was given back, or the acquisition failed. */
    public void leave(ResourceContext ctx) {
        boolean up = node.available();
        try {
            if (leases != null) {
                leases.leave(up);
            }
            String tenant = ctx.tenant();
            LeaseBudget t = tenant == null ? null : tenantLeases.get(tenant);
            if (t != null) {
                t.leave(up);
            }
        } catch (ClusterUnavailableException e) {
            node.failed(e); // the permits stay counted by the backend until the next heartbeat's sync
        }
    }

    private LeaseBudget tenantLeases(String tenant) {
        if (quota.tenantMaxConcurrentLeases() == 0) {
            return null;
        }
        return tenantLeases.computeIfAbsent(tenant, t -> new LeaseBudget(resource + ":tenant:" + t + ":leases",
                quota.tenantMaxConcurrentLeases(), tenantBatch(quota.tenantMaxConcurrentLeases()), node));
    }

    /** A tenant's batch: a quarter of {@code cluster.batch} (tenants are many), bounded as every limit's. */
    private int tenantBatch(int max) {
        return LeaseBudget.batchFor(max, Math.max(1, quota.batch() / 4));
    }

    private RateBudget tenantRate(String tenant) {
        return tenantRates.computeIfAbsent(tenant, t -> new RateBudget(resource + ":tenant:" + t + ":rate",
                quota.tenantMaxAcquisitionsPerSecond(), quota.batch(), node, node::millis));
    }

    private QuotaExceededException refused(String tenant, String key, int value) {
        node.listeners().refused(resource, tenant, key);
        String who = tenant == null ? "" : " for tenant '" + tenant + "'";
        return new QuotaExceededException(resource, tenant, key, value, "NEBULA-4603 Acquisition of '" + resource + "'"
                + who + " refused: the cluster-wide limit " + key + "=" + value + " is reached across all nodes");
    }

    /** The heartbeat's part: tells the backend what this node holds of each limit. */
    void sync() {
        if (leases != null) {
            leases.sync();
        }
        for (LeaseBudget t : tenantLeases.values()) {
            t.sync();
        }
        if (instances != null) {
            instances.sync();
        }
        for (LeaseBudget t : tenantInstances.values()) {
            t.sync();
        }
    }

    /** On close: gives back every permit this node holds. */
    void release() {
        if (leases != null) {
            leases.forget();
        }
        for (LeaseBudget t : tenantLeases.values()) {
            t.forget();
        }
        if (instances != null) {
            instances.forget();
        }
        for (LeaseBudget t : tenantInstances.values()) {
            t.forget();
        }
    }

    /**
     * Each cluster-wide limit of this resource that this node knows, with its use across the cluster: the permits of
     * each concurrent-lease and instance limit held by each live node, and each tenant's rate limit as the current
     * window's count (one counter for the cluster). Asks the backend once per limit (a dashboard's question, never an
     * acquisition's).
     *
     * @throws ClusterUnavailableException when the backend does not answer within its bound
     */
    public List<ClusterOverview.Usage> usage() {
        List<ClusterOverview.Usage> all = new ArrayList<>();
        held(all, null, ClusterQuota.MAX_CONCURRENT_LEASES, leases);
        for (Map.Entry<String, LeaseBudget> t : new TreeMap<>(tenantLeases).entrySet()) {
            held(all, t.getKey(), ClusterQuota.TENANT_MAX_CONCURRENT_LEASES, t.getValue());
        }
        held(all, null, INSTANCES_KEY, instances);
        for (Map.Entry<String, LeaseBudget> t : new TreeMap<>(tenantInstances).entrySet()) {
            held(all, t.getKey(), TENANT_INSTANCES_KEY, t.getValue());
        }
        for (Map.Entry<String, RateBudget> t : new TreeMap<>(tenantRates).entrySet()) {
            all.add(new ClusterOverview.Usage(resource, t.getKey(), ClusterQuota.TENANT_MAX_ACQUISITIONS_PER_SECOND,
                    quota.tenantMaxAcquisitionsPerSecond(), Map.of(),
                    node.permits().windowCount(t.getValue().limit(), t.getValue().currentWindow())));
        }
        return all;
    }

    private void held(List<ClusterOverview.Usage> all, String tenant, String key, LeaseBudget budget) {
        if (budget != null) {
            all.add(new ClusterOverview.Usage(resource, tenant, key, budget.max(),
                    new TreeMap<>(node.permits().usage(budget.limit()))));
        }
    }

    public String resource() {
        return resource;
    }

    /** Leases admitted on this node now (a tenant's with {@code tenant}, all with {@code null}), for tests and metrics. */
    public int inUse(String tenant) {
        LeaseBudget b = tenant == null ? leases : tenantLeases.get(tenant);
        return b == null ? 0 : b.inUse();
    }

    /** Physical instances open on this node now under this budget (a tenant's with {@code tenant}, all with {@code null}). */
    public int instancesOpen(String tenant) {
        LeaseBudget b = tenant == null ? instances : tenantInstances.get(tenant);
        return b == null ? 0 : b.inUse();
    }

    /** Permits this node holds from the backend now (as {@link #inUse}). */
    public int held(String tenant) {
        LeaseBudget b = tenant == null ? leases : tenantLeases.get(tenant);
        return b == null ? 0 : b.held();
    }
}
