package io.nebula.resource.core.cluster;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The application's {@code nebula.cluster.*} keys: which declared {@code redis} resource carries the cluster's
 * permits, this node's id, its heartbeat's TTL and the longest any acquisition waits on Redis. Without
 * {@code nebula.cluster.resource} every limit stays per JVM.
 *
 * @param resource     {@code nebula.cluster.resource}; {@code null} when the application is not a cluster
 * @param nodeId       {@code nebula.cluster.node-id}; {@code null} for the default, host name and process id
 */
public record ClusterSettings(String resource, String nodeId, Duration heartbeatTtl, Duration redisTimeout) {

    public static final String RESOURCE = "nebula.cluster.resource";
    public static final String NODE_ID = "nebula.cluster.node-id";
    public static final String HEARTBEAT_TTL = "nebula.cluster.heartbeat-ttl";
    public static final String REDIS_TIMEOUT = "nebula.cluster.redis-timeout";
    static final Duration DEFAULT_TTL = Duration.ofSeconds(3);
    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);

    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(RESOURCE, null, "The declared resource of kind redis that carries the cluster's"
                    + " permits (needs nebula-resource-cluster-redis on the class path); unset, every limit is per JVM and"
                    + " a cluster.* limit fails deployment. See docs/cluster.md."),
            ConfigKey.string(NODE_ID, null, "This node's id in the cluster; default its host name and process id."),
            ConfigKey.duration(HEARTBEAT_TTL, DEFAULT_TTL, "How long the permits of a node that stopped beating"
                    + " (kill -9) stay counted; it beats every third of it."),
            ConfigKey.duration(REDIS_TIMEOUT, DEFAULT_TIMEOUT, "The longest an acquisition waits on the cluster's"
                    + " Redis; past it the node applies its local limits only."));

    /**
     * Reads the keys through {@code config} (MicroProfile Config's {@code getOptionalValue}), checking the resource's
     * kind with {@code kindOf} (the declared kind of a resource, empty when none is declared).
     */
    public static ClusterSettings read(Function<String, Optional<String>> config, Function<String, Optional<String>> kindOf,
                                       ConfigProblems problems) {
        String resource = config.apply(RESOURCE).filter(v -> !v.isBlank()).orElse(null);
        if (resource != null) {
            Optional<String> kind = kindOf.apply(resource);
            if (kind.isEmpty()) {
                problems.add(RESOURCE, "names no declared resource, was '" + resource + "'");
            } else if (!kind.get().equals("redis")) {
                problems.add(RESOURCE, "must name a resource of kind redis, '" + resource + "' is of kind '"
                        + kind.get() + "'");
            }
        }
        String node = config.apply(NODE_ID).filter(v -> !v.isBlank()).orElse(null);
        Duration ttl = positive(config, HEARTBEAT_TTL, DEFAULT_TTL, problems);
        Duration timeout = positive(config, REDIS_TIMEOUT, DEFAULT_TIMEOUT, problems);
        if (timeout.compareTo(ttl) >= 0) {
            problems.add(REDIS_TIMEOUT, "must be shorter than " + HEARTBEAT_TTL + " (" + ResourceSettings.text(ttl)
                    + "), was " + ResourceSettings.text(timeout));
        }
        return new ClusterSettings(resource, node, ttl, timeout);
    }

    private static Duration positive(Function<String, Optional<String>> config, String key, Duration defaultValue,
                                     ConfigProblems problems) {
        Optional<String> raw = config.apply(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration d;
        try { // read as a resource's duration is, so the same spellings hold; the problem is worded here, under key
            d = ResourceSettings.of("cluster", "cluster", java.util.Map.of("v", raw.get())).duration("v", defaultValue);
        } catch (io.nebula.resource.ConfigurationInvalidException e) {
            d = null;
        }
        if (d == null) {
            problems.add(key, "must be a duration such as 50ms or 3s, was '" + raw.get() + "'");
            return defaultValue;
        }
        if (d.isZero() || d.isNegative()) {
            problems.add(key, "must be more than 0, was '" + raw.get() + "'");
            return defaultValue;
        }
        return d;
    }
}
