package io.nebula.resource.core.cluster;

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
 */
public record ClusterQuota(int maxConcurrentLeases, int tenantMaxConcurrentLeases, int tenantMaxAcquisitionsPerSecond,
                           int batch) {

    public ClusterQuota {
        if (maxConcurrentLeases < 0 || tenantMaxConcurrentLeases < 0 || tenantMaxAcquisitionsPerSecond < 0 || batch < 1) {
            throw new IllegalArgumentException("cluster limits are 0 (none) or positive, the batch at least 1");
        }
    }

    /** Whether any limit is set: without one, no cluster stage is in the pipeline. */
    public boolean limitsAnything() {
        return maxConcurrentLeases > 0 || tenantMaxConcurrentLeases > 0 || tenantMaxAcquisitionsPerSecond > 0;
    }
}
