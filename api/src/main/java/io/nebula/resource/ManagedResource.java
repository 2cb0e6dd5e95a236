package io.nebula.resource;

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
}
