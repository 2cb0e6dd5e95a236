package io.nebula.resource.spi;

/**
 * The idle instances of one pool, in the order its {@link PoolStrategy} hands them out. The engine calls it from
 * every thread at once, without a lock, and {@link #next()} and {@link #returned} are the acquisition's hit path:
 * they must not block and should not allocate. A lock-free structure (a {@code ConcurrentLinkedDeque}), or none
 * at all (a scan of the pool's instances for {@link PooledInstance#isIdle() idle} ones), fits.
 *
 * <p>What {@link #next()} returns is a hint, not a claim: the engine then tries to move the instance out of
 * {@code IDLE} by compare-and-set, and when another thread, a keep-alive check or an eviction was first, it
 * drops the hint and calls {@code next()} again. So a structure may hand out an instance that is no longer idle,
 * but must not hand out the same one for ever: what it returns, it forgets, unless it only points at instances
 * whose state says they are idle.
 *
 * @param <I> the engine's instance type
 */
public interface IdleInstances<I extends PooledInstance> {

    /** The next idle instance to try, or {@code null} when there is none. */
    I next();

    /** An instance came back, or was created, and is idle now. */
    void returned(I instance);

    /**
     * The engine took an idle instance out of the pool's idle ones itself (to check or to let it go); a
     * structure that holds it drops it. Off the hit path.
     */
    void removed(I instance);
}
