package io.nebula.resource.core;

import io.nebula.resource.spi.ConfigKey;

import java.util.List;

/**
 * The {@code pool.*} keys {@link PoolConfig#from} reads, described for the configuration reference
 * (docs/configuration.md) and the unknown-key check, each with the {@link PoolConfig.Builder}'s default: written
 * once, where the default is.
 */
final class PoolKeys {

    private PoolKeys() {
    }

    static List<ConfigKey> definitions(PoolConfig.Builder d) {
        return List.of(
                ConfigKey.integer(PoolConfig.MIN_SIZE, d.minSize, "Fewest instances kept (0 or more, at most pool.max-size)."),
                ConfigKey.integer(PoolConfig.MAX_SIZE, d.maxSize, "Most instances (pooled) or concurrent leases (bounded); 1 or"
                        + " more; changeable at run time with resize."),
                ConfigKey.string(PoolConfig.STRATEGY, d.strategy.name(), "lifo, fifo, lru, weighted-round-robin, adaptive,"
                        + " or the name of a strategy the application installs (io.nebula.resource.spi.PoolStrategy):"
                        + " which idle instance is handed out first, which goes first when the pool shrinks, and whether"
                        + " the pool sizes itself (docs/pool-engine.md)."),
                ConfigKey.duration(PoolConfig.ACQUIRE_TIMEOUT, d.acquireTimeout, "How long an acquisition waits for an"
                        + " instance; 0 fails fast. A wait under way when it changes keeps its budget."),
                ConfigKey.duration(PoolConfig.IDLE_TIMEOUT, d.idleTimeout, "Idle time after which instances above"
                        + " pool.min-size are evicted; 0 keeps them."),
                ConfigKey.duration(PoolConfig.MAX_LIFETIME, d.maxLifetime, "Age at which an instance is retired (minus up to"
                        + " 2.5% jitter); 0 means no limit."),
                ConfigKey.duration(PoolConfig.LEAK_THRESHOLD, d.leakThreshold, "A lease held longer is reported as a possible"
                        + " leak; 0 turns leak detection off."),
                ConfigKey.duration(PoolConfig.VALIDATION_BYPASS, d.validationBypass, "An instance idle for less than this is"
                        + " handed out without a check."),
                ConfigKey.duration(PoolConfig.KEEPALIVE_INTERVAL, d.keepaliveInterval, "How often idle instances are checked"
                        + " (minus up to 10% jitter); 0 turns it off; must be shorter than pool.max-lifetime."),
                ConfigKey.choice(PoolConfig.WARMUP, d.warmup, WarmUp.values(), "eager fills the pool to pool.min-size at start"
                        + " (and starts the resource with the application unless start says otherwise)."),
                ConfigKey.integer(PoolConfig.WARMUP_PARALLELISM, d.warmupParallelism, "Most instances created at once, at"
                        + " warm-up and on demand."),
                ConfigKey.duration(PoolConfig.DRAIN_GRACE, d.drainGrace, "How long closing the pool waits for leases to come"
                        + " back."),
                ConfigKey.list(PoolConfig.ENDPOINTS, "name:weight,... such as primary:3,replica-1:1; required by, and only"
                        + " allowed with, pool.strategy=weighted-round-robin."),
                ConfigKey.duration(PoolConfig.HOUSEKEEPING_INTERVAL, d.housekeepingInterval, "Period of the housekeeping task"
                        + " (at least 10ms); also the adaptive sizing window."),
                ConfigKey.duration(PoolConfig.BACKOFF_INITIAL, d.backoffInitial, "Wait after the first failed creation (more"
                        + " than 0); it doubles, with jitter, up to pool.backoff-max."),
                ConfigKey.duration(PoolConfig.BACKOFF_MAX, d.backoffMax, "The most the creation backoff grows to (at least"
                        + " pool.backoff-initial)."),
                ConfigKey.number(PoolConfig.ADAPTIVE_HEADROOM, d.adaptiveHeadroom, "Adaptive sizing: factor over the observed"
                        + " demand kept ready (1 to 10)."),
                ConfigKey.integer(PoolConfig.ADAPTIVE_SHRINK_AFTER, d.adaptiveShrinkAfter, "Adaptive sizing: housekeeping"
                        + " windows of lower demand before the target drops (1 or more)."));
    }
}
