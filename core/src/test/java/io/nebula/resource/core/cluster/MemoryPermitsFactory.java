package io.nebula.resource.core.cluster;

import io.nebula.resource.ResourceSettings;

import java.time.Duration;

/** A {@link ClusterPermitsFactory} of kind {@code memory} on one in-memory backend ({@link #BACKEND}), found by ServiceLoader. */
public final class MemoryPermitsFactory implements ClusterPermitsFactory {

    static final SharedPermits BACKEND = new SharedPermits();

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public ClusterPermits create(ResourceSettings resource, String nodeId, Duration heartbeatTtl, Duration timeout) {
        return BACKEND.node(nodeId);
    }
}
