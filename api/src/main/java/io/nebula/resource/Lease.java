package io.nebula.resource;

/**
 * A handle on one acquired resource instance.
 *
 * <pre>{@code
 * try (Lease<Channel> lease = resources.acquire("jobs", Channel.class)) {
 *     lease.get().basicPublish(...);
 * }
 * }</pre>
 *
 * {@link #close()} gives the instance back to its pool; {@link #invalidate()} tells the pool the
 * instance is broken, so it is destroyed instead of reused. Both are idempotent. Any use of the lease
 * after either throws {@link LeaseClosedException}. A lease is meant for one holder at a time; it is not
 * a lock and must not be shared between threads that use the instance concurrently.
 *
 * @param <R> the instance type
 */
public interface Lease<R> extends AutoCloseable {

    /** The leased instance. @throws LeaseClosedException after close or invalidate */
    R get();

    /**
     * The name of the resource this lease came from: the resource asked for, or its fallback when that one served the
     * lease ({@code nebula.resource.<name>.fallback}, see docs/resilience.md). The instance is that resource's, and
     * {@link #close()} gives it back to that resource's pool.
     */
    String resource();

    /**
     * The name of the resource that was asked for. It differs from {@link #resource()} only when the asked-for
     * resource was down (its circuit open, quarantined, its backend unavailable) and its {@code fallback} served this
     * lease instead.
     */
    default String requested() {
        return resource();
    }

    /** Whether the fallback of the resource asked for served this lease: {@link #resource()} names the fallback. */
    default boolean servedByFallback() {
        return !requested().equals(resource());
    }

    /** Whether the lease still holds its instance. */
    boolean isOpen();

    /** Returns the instance to its pool; does nothing if already closed. */
    @Override
    void close();

    /** Returns the instance as broken: the pool destroys it and may create a replacement. */
    void invalidate();
}
