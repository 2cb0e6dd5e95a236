package io.nebula.resource.spi;

import io.nebula.resource.InstanceState;

/**
 * One instance of a pool, as a {@link PoolStrategy} sees it: its state and its times, never the instance itself.
 * Times are in nanoseconds on the pool's clock (comparable with each other, not with the wall clock).
 */
public interface PooledInstance {

    /** Its state now; it can change the moment after it is read. */
    InstanceState state();

    /** Whether it is idle now, free to be handed out. */
    default boolean isIdle() {
        return state() == InstanceState.IDLE;
    }

    /** When it was created. */
    long createdAt();

    /** When it last came back to the pool (its creation, if it never left). */
    long lastReturned();

    /** The index of the endpoint it was created against ({@link PoolStrategy.Pool#endpoints()}); 0 without endpoints. */
    int endpoint();
}
