package io.nebula.resource.spi;

import java.util.Comparator;
import java.util.List;

/**
 * How a pool of a {@link Topology#POOLED pooled} resource hands out its idle instances, which it lets go first when
 * it shrinks, and, if the strategy sizes the pool itself, how many instances it keeps. A resource names its
 * strategy with {@code nebula.resource.<name>.pool.strategy=<name()>}.
 *
 * <p>The engine's five ({@code lifo}, the default, {@code fifo}, {@code lru}, {@code weighted-round-robin} and
 * {@code adaptive}; {@link io.nebula.resource.PoolStrategy} names them in code) implement this interface. An
 * application adds its own with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.nebula.resource.spi.PoolStrategy}): it must have a public no-argument constructor,
 * be thread-safe and keep no state of its own, since one instance serves every pool that names it. It cannot
 * take a built-in strategy's name. A name no strategy has is a configuration problem at deployment.
 *
 * <p>Per pool, the engine asks once for the {@link IdleInstances} it keeps the pool's idle instances in (and for
 * a {@link PoolSizing}, if the strategy sizes the pool); those two are on the acquisition's hit path. See
 * docs/pool-engine.md, "Writing a strategy".
 */
public interface PoolStrategy {

    /** Oldest first: nearest the end of its life. What every built-in strategy but {@code lru} lets go first. */
    Comparator<PooledInstance> OLDEST_FIRST = Comparator.comparingLong(PooledInstance::createdAt);

    /** The name {@code pool.strategy} gives, such as {@code lifo} or {@code least-used}; compared ignoring case. */
    String name();

    /**
     * The idle instances of one pool, empty: called once, when the pool is built.
     *
     * @param pool      the pool served
     * @param instances every live instance of the pool (idle or not), in the order they joined it: a live, read-only
     *                  view that the engine keeps up to date, for a strategy that finds idle instances where they are
     */
    <I extends PooledInstance> IdleInstances<I> idleInstances(Pool pool, List<I> instances);

    /**
     * The order in which idle instances go when the pool shrinks (after a resize, past {@code pool.idle-timeout},
     * below a lowered sizing target): the first goes first. Read off the hit path, by the housekeeper.
     */
    default Comparator<PooledInstance> shrinkOrder() {
        return OLDEST_FIRST;
    }

    /**
     * How the pool of one resource sizes itself, called once when the pool is built; {@code null} (the default)
     * leaves the sizes to {@code pool.min-size} and {@code pool.max-size}: at least the minimum kept, more created
     * on demand up to the maximum.
     */
    default PoolSizing sizing(Pool pool) {
        return null;
    }

    /** The pool a strategy serves, as it is when the pool is built. */
    interface Pool {

        /** The resource's name, as in {@code nebula.resource.<name>.}. */
        String resource();

        /**
         * The names of the resource's endpoints ({@code pool.endpoints}), in order; an instance's
         * {@link PooledInstance#endpoint()} is an index into it. Empty without endpoints: every instance is then of
         * endpoint 0. Only {@code weighted-round-robin} takes endpoints.
         */
        List<String> endpoints();

        /** The weight of an endpoint, by index; 1 without endpoints. */
        int weight(int endpoint);
    }
}
