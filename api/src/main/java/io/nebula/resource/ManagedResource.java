package io.nebula.resource;

import io.nebula.resource.history.Anomaly;
import io.nebula.resource.history.ResourceHistory;

import java.time.Duration;
import java.util.List;

/** A declared resource: its pool, its state and its health. */
public interface ManagedResource<R> {

    String name();

    String kind();

    ResourceScope scope();

    List<String> dependsOn();

    ResourceState state();

    /** The last health status observed, cascaded from dependencies. */
    HealthStatus health();

    PoolSnapshot pool();

    /** Acquires with the configured acquire timeout. */
    Lease<R> acquire();

    /** Acquires waiting at most {@code timeout}; {@link Duration#ZERO} fails fast. */
    Lease<R> acquire(Duration timeout);

    /**
     * The last hour of the resource as a whole (every tenant's pool together for a tenant-scoped resource), oldest
     * bucket first. Empty buckets when {@code nebula.history.enabled=false}.
     */
    ResourceHistory history();

    /** The last hour of one tenant's pool of a tenant-scoped resource; empty buckets for a tenant not seen. */
    ResourceHistory history(String tenant);

    /** The anomalies flagged now on the resource and its tenants' pools; empty when it behaves as its baseline. */
    List<Anomaly> anomalies();
}
