package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisURI;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.cluster.ClusterPermits;
import io.nebula.resource.core.cluster.ClusterPermitsFactory;

import java.time.Duration;

/**
 * The cluster's permits on the declared {@code redis} resource that {@code nebula.cluster.resource} names: the same
 * endpoint keys as the {@code redis} provider ({@code url}, or {@code host}, {@code port}, {@code database}; and
 * {@code username}, {@code password}), which has checked them at deployment. A connection of its own, with
 * {@code nebula.cluster.redis-timeout} as every bound rather than the resource's {@code timeout}: an acquisition
 * must never wait on Redis longer.
 */
public final class RedisClusterPermitsFactory implements ClusterPermitsFactory {

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public ClusterPermits create(ResourceSettings resource, String nodeId, Duration heartbeatTtl, Duration timeout) {
        return new RedisClusterPermits(uri(resource), nodeId, heartbeatTtl, timeout);
    }

    static RedisURI uri(ResourceSettings s) {
        RedisURI.Builder b = s.string("url").map(url -> RedisURI.builder(RedisURI.create(url))).orElseGet(() -> RedisURI
                .Builder.redis(s.required("host"), s.intValue("port", RedisURI.DEFAULT_REDIS_PORT))
                .withDatabase(s.intValue("database", 0)));
        s.secret("password").ifPresent(p -> {
            String user = s.string("username").orElse(null);
            if (user == null) {
                b.withPassword(p.reveal().toCharArray());
            } else {
                b.withAuthentication(user, p.reveal());
            }
        });
        return b.build();
    }
}
