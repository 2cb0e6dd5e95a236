package io.nebula.resource.spi;

/**
 * How one pool sizes itself, for a {@link PoolStrategy} that decides it ({@code adaptive} does): how many instances
 * to keep ready, within {@code pool.min-size} and {@code pool.max-size}, decided once per housekeeping round
 * ({@code pool.housekeeping-interval}) from what the pool saw.
 *
 * <p>{@link #arrived()} and {@link #released(long)} run on the acquisition's hit path, on every thread: keep them
 * to a striped counter ({@code LongAdder}). {@link #window} and {@link #surplus} run on the housekeeper's thread,
 * one round at a time; {@link #target()} is read by any thread that may create an instance.
 */
public interface PoolSizing {

    /** An acquisition arrived, hit or not. */
    default void arrived() {
    }

    /** A lease came back after being held {@code heldNanos}. */
    default void released(long heldNanos) {
    }

    /**
     * Closes a housekeeping window and decides the target.
     *
     * @param lengthNanos how long the window was (the time since the previous call, or since the pool was built)
     * @param waiting     callers waiting for an instance at its end
     * @param minSize     {@code pool.min-size} now (a resize changes it)
     * @param maxSize     {@code pool.max-size} now
     */
    void window(long lengthNanos, int waiting, int minSize, int maxSize);

    /**
     * How many instances to keep now. The engine keeps it within {@code pool.min-size} and {@code pool.max-size}
     * and creates up to it in the background, ahead of demand; instances above it stay until
     * {@code pool.idle-timeout} or {@link #surplus} lets them go.
     */
    int target();

    /**
     * How many idle instances to let go in this round (eviction reason {@code SHRINK}), called right after
     * {@link #window}; 0 keeps them. The pool's {@link PoolStrategy#shrinkOrder()} says which.
     *
     * @param live    the instances alive now
     * @param minSize {@code pool.min-size} now
     */
    default int surplus(int live, int minSize) {
        return 0;
    }
}
