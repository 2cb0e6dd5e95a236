package io.nebula.resource.core.cluster;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.time.Duration;
import java.util.List;

/**
 * A resource's cluster-wide limits, the {@code cluster.*} keys of a resource: each {@code 0} when not limited.
 *
 * @param maxConcurrentLeases             {@code cluster.max-concurrent-leases}: leases of the resource held at once
 *                                        on all nodes together (the database's session budget)
 * @param tenantMaxConcurrentLeases       {@code cluster.tenant.max-concurrent-leases}: a tenant's leases held at once
 *                                        on all nodes together
 * @param tenantMaxAcquisitionsPerSecond  {@code cluster.tenant.max-acquisitions-per-second}: a tenant's acquisitions
 *                                        on all nodes together, per one-second window
 * @param batch                           {@code cluster.batch}: how many permits a node takes from the backend at once
 * @param maxInstances                    {@code cluster.max-instances}: physical instances of the resource open at once
 *                                        on all nodes together, idle ones included (a database's sessions)
 * @param tenantMaxInstances              {@code cluster.tenant.max-instances}: one tenant's physical instances open at
 *                                        once on all nodes together
 */
public record ClusterQuota(int maxConcurrentLeases, int tenantMaxConcurrentLeases, int tenantMaxAcquisitionsPerSecond,
                           int batch, int maxInstances, int tenantMaxInstances) {

    public static final String MAX_CONCURRENT_LEASES = "cluster.max-concurrent-leases";
    public static final String TENANT_MAX_CONCURRENT_LEASES = "cluster.tenant.max-concurrent-leases";
    public static final String TENANT_MAX_ACQUISITIONS_PER_SECOND = "cluster.tenant.max-acquisitions-per-second";
    public static final String BATCH = "cluster.batch";
    public static final String MAX_INSTANCES = "cluster.max-instances";
    public static final String TENANT_MAX_INSTANCES = "cluster.tenant.max-instances";
    public static final String INSTANCE_RELEASE_DELAY = "cluster.instance-release-delay";
    private static final int DEFAULT_BATCH = 8;
    /** PostgreSQL's time to end a closed session's backend, measured on a loaded machine (docs/cluster.md). */
    public static final Duration DEFAULT_INSTANCE_RELEASE_DELAY = Duration.ofMillis(250);

    /** No cluster-wide limit: no cluster stage. */
    public static final ClusterQuota NONE = new ClusterQuota(0, 0, 0, DEFAULT_BATCH, 0, 0);

    /** The resource's {@code cluster.*} keys, described, with {@link #NONE}'s values as defaults (docs/cluster.md). */
    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.integer(MAX_CONCURRENT_LEASES, 0, "Leases of the resource held at once on all nodes together"
                    + " (the database's session budget), counted in nebula.cluster.resource; never exceeded while it"
                    + " answers; 0 for no cluster-wide limit. Needs nebula.cluster.resource (docs/cluster.md)."),
            ConfigKey.integer(TENANT_MAX_CONCURRENT_LEASES, 0, "Leases one tenant holds at once on all nodes"
                    + " together; never exceeded while nebula.cluster.resource answers; 0 for no limit."),
            ConfigKey.integer(TENANT_MAX_ACQUISITIONS_PER_SECOND, 0, "Acquisitions of one tenant on all nodes"
                    + " together in each one-second window of the nodes' clocks (a sliding second may see twice as"
                    + " many); 0 for no limit."),
            ConfigKey.integer(BATCH, DEFAULT_BATCH, "Permits a node takes from nebula.cluster.resource at once"
                    + " (a tenant's limits: a quarter of it, at least 1), and never more than an eighth of the limit"
                    + " (at least 1): a larger batch costs fewer round trips and may refuse a node while others hold"
                    + " spare permits, at most max(1, limit / 8) per other node and limit (the resource's"
                    + " cluster.max-concurrent-leases, striped: a quarter of it) until their next heartbeat."),
            ConfigKey.integer(MAX_INSTANCES, 0, "Physical instances of the resource open at once on all nodes"
                    + " together, idle ones and every tenant's included (a JDBC resource: its database sessions);"
                    + " a permit is taken before one is opened (a JDBC pool's start-up connections included) and"
                    + " given back once it is closed (JDBC: cluster.instance-release-delay after), so"
                    + " never exceeded while nebula.cluster.resource answers; 0 for no limit. Needs"
                    + " nebula.cluster.resource and a kind that counts its connections (the JDBC kinds): any other"
                    + " kind fails deployment with it."),
            ConfigKey.integer(TENANT_MAX_INSTANCES, 0, "Physical instances one tenant's pool holds open at once on"
                    + " all nodes together (a JDBC resource: the tenant's database sessions); 0 for no limit. The JDBC"
                    + " kinds only, as cluster.max-instances."),
            ConfigKey.duration(INSTANCE_RELEASE_DELAY, DEFAULT_INSTANCE_RELEASE_DELAY, "How long after a physical"
                    + " instance was closed its cluster.max-instances and cluster.tenant.max-instances permits are"
                    + " given back (a JDBC resource: the database's time to end the closed session, which it lists"
                    + " until then); 0 gives them back at once. A refused creation never waits for it."));

    /** The lease and rate limits only, no limit on instances. */
    public ClusterQuota(int maxConcurrentLeases, int tenantMaxConcurrentLeases, int tenantMaxAcquisitionsPerSecond,
                        int batch) {
        this(maxConcurrentLeases, tenantMaxConcurrentLeases, tenantMaxAcquisitionsPerSecond, batch, 0, 0);
    }

    public ClusterQuota {
        if (maxConcurrentLeases < 0 || tenantMaxConcurrentLeases < 0 || tenantMaxAcquisitionsPerSecond < 0 || batch < 1
                || maxInstances < 0 || tenantMaxInstances < 0) {
            throw new IllegalArgumentException("cluster limits are 0 (none) or positive, the batch at least 1");
        }
    }

    /** Whether any limit is set: without one, the resource has no {@code ClusterLimits}. */
    public boolean limitsAnything() {
        return limitsLeases() || maxInstances > 0 || tenantMaxInstances > 0;
    }

    /** Whether a limit on leases or acquisitions is set: without one, no cluster stage is in the pipeline. */
    public boolean limitsLeases() {
        return maxConcurrentLeases > 0 || tenantMaxConcurrentLeases > 0 || tenantMaxAcquisitionsPerSecond > 0;
    }

    /** @return the quota, {@link #NONE} with a problem per bad key (its full key) added to {@code problems} */
    public static ClusterQuota read(ResourceSettings s, ConfigProblems problems) {
        int leases = atLeast(s, MAX_CONCURRENT_LEASES, 0, 0, problems);
        int tenantLeases = atLeast(s, TENANT_MAX_CONCURRENT_LEASES, 0, 0, problems);
        int rate = atLeast(s, TENANT_MAX_ACQUISITIONS_PER_SECOND, 0, 0, problems);
        int batch = atLeast(s, BATCH, DEFAULT_BATCH, 1, problems);
        int instances = atLeast(s, MAX_INSTANCES, 0, 0, problems);
        int tenantInstances = atLeast(s, TENANT_MAX_INSTANCES, 0, 0, problems);
        problems.read(() -> s.duration(INSTANCE_RELEASE_DELAY, DEFAULT_INSTANCE_RELEASE_DELAY)); // read by the provider
        return new ClusterQuota(leases, tenantLeases, rate, batch, instances, tenantInstances);
    }

    /** The problems of a resource's {@code cluster.*} keys, each naming its full key. */
    public static List<ConfigProblem> problems(ResourceSettings s) {
        ConfigProblems problems = new ConfigProblems();
        read(s, problems);
        return problems.list();
    }

    private static int atLeast(ResourceSettings s, String key, int defaultValue, int min, ConfigProblems problems) {
        Integer v = problems.read(() -> s.intValue(key, defaultValue));
        if (v == null) {
            return Math.max(min, defaultValue);
        }
        if (v < min) {
            problems.add(s.keyOf(key), "must be " + min + (min == 0 ? " (no limit)" : "") + " or more, was " + v);
            return Math.max(min, defaultValue);
        }
        return v;
    }
}
