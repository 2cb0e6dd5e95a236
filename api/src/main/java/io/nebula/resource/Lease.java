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

    /** The name of the resource this lease came from. */
    String resource();

    /** Whether the lease still holds its instance. */
    boolean isOpen();

    /** Returns the instance to its pool; does nothing if already closed. */
    @Override
    void close();

    /** Returns the instance as broken: the pool destroys it and may create a replacement. */
    void invalidate();
}
