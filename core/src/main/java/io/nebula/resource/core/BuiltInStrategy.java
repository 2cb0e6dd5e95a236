package io.nebula.resource.core;

import io.nebula.resource.spi.IdleInstances;
import io.nebula.resource.spi.PoolSizing;
import io.nebula.resource.spi.PoolStrategy;
import io.nebula.resource.spi.PooledInstance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The engine's five strategies, implementations of the {@link PoolStrategy} SPI as an application's strategy is,
 * one for each constant of {@link io.nebula.resource.PoolStrategy} (their names in code). See {@link IdleOrders}
 * for how each keeps its idle instances.
 */
final class BuiltInStrategy implements PoolStrategy {

    /** In the order of {@link io.nebula.resource.PoolStrategy#values()}. */
    static final List<BuiltInStrategy> ALL = Arrays.stream(io.nebula.resource.PoolStrategy.values())
            .map(BuiltInStrategy::new).toList();
    static final BuiltInStrategy LIFO = of(io.nebula.resource.PoolStrategy.LIFO);
    static final BuiltInStrategy WEIGHTED_ROUND_ROBIN = of(io.nebula.resource.PoolStrategy.WEIGHTED_ROUND_ROBIN);

    private static final Comparator<PooledInstance> LEAST_RECENTLY_USED_FIRST =
            Comparator.comparingLong(PooledInstance::lastReturned);

    private final io.nebula.resource.PoolStrategy constant;

    private BuiltInStrategy(io.nebula.resource.PoolStrategy constant) {
        this.constant = constant;
    }

    /** The engine's strategy a constant names. */
    static BuiltInStrategy of(io.nebula.resource.PoolStrategy constant) {
        return ALL.get(constant.ordinal());
    }

    @Override
    public String name() {
        return constant.configName();
    }

    @Override
    public <I extends PooledInstance> IdleInstances<I> idleInstances(Pool pool, List<I> instances) {
        return switch (constant) {
            case FIFO -> new IdleOrders.Queue<>();
            case WEIGHTED_ROUND_ROBIN -> new IdleOrders.Weighted<>(pool);
            case LIFO, LRU, ADAPTIVE -> new IdleOrders.Bag<>(instances);
        };
    }

    @Override
    public Comparator<PooledInstance> shrinkOrder() {
        return constant == io.nebula.resource.PoolStrategy.LRU ? LEAST_RECENTLY_USED_FIRST : OLDEST_FIRST;
    }

    /** Adaptive only; its tuning ({@code pool.adaptive.*}) is the engine's configuration, which its pools carry. */
    @Override
    public PoolSizing sizing(Pool pool) {
        if (constant != io.nebula.resource.PoolStrategy.ADAPTIVE) {
            return null;
        }
        if (!(pool instanceof StrategyPool p)) {
            throw new IllegalArgumentException("the adaptive strategy sizes the engine's pools only, not " + pool);
        }
        return new AdaptiveSizer(p.config());
    }

    @Override
    public String toString() {
        return name();
    }
}
