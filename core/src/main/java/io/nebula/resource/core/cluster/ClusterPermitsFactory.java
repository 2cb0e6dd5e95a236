package io.nebula.resource.core.cluster;

import io.nebula.resource.ResourceSettings;

import java.time.Duration;

/**
 * Makes the {@link ClusterPermits} of a cluster whose {@code nebula.cluster.resource} is a declared resource of
 * {@link #kind()}: how an application finds the backend module ({@code providers/cluster-redis}) without depending
 * on its driver. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.nebula.resource.core.cluster.ClusterPermitsFactory}).
 */
public interface ClusterPermitsFactory {

    /** The kind of the declared resource that carries the permits: {@code redis}. */
    String kind();

    /**
     * The permits on the backend {@code resource} describes (its own endpoint keys). Connects lazily: a backend down
     * at start costs the first call one bound, not the deployment.
     *
     * @param resource     the settings of the resource {@code nebula.cluster.resource} names
     * @param nodeId       {@code nebula.cluster.node-id}, its default already applied
     * @param heartbeatTtl {@code nebula.cluster.heartbeat-ttl}
     * @param timeout      {@code nebula.cluster.redis-timeout}: the longest any call may wait on the backend
     */
    ClusterPermits create(ResourceSettings resource, String nodeId, Duration heartbeatTtl, Duration timeout);
}
