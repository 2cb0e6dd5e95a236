package io.nebula.resource.spi;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One heavy backend object that the instances of a resource share — a Redis client with its event loops, the
 * AMQP connection whose channels are the instances — opened by the first instance that needs it and closed once
 * the engine asked for a shutdown and the last instance made through it is gone. Several pools may be built from
 * one resource's settings (one per tenant) and each asks for a shutdown: the object therefore outlives every
 * shutdown but the one after which nothing uses it. An instance made after that opens a new one.
 *
 * <p>Takes a lock, not a monitor: opening is I/O, and a virtual thread must not pin its carrier on it.
 *
 * @param <T> the shared object
 */
public final class SharedBackend<T> {

    /** Opens the shared object. */
    @FunctionalInterface
    public interface Opener<T> {
        T open() throws Exception;
    }

    private final Predicate<T> alive;
    private final Consumer<T> closer;
    private final ReentrantLock lock = new ReentrantLock();
    private T shared;
    private int users;
    private boolean shutdownRequested;

    /**
     * @param alive  whether the object can still serve (an AMQP connection the broker closed cannot): one that
     *               cannot is opened again by the next {@link #retain}
     * @param closer closes it; must not throw
     */
    public SharedBackend(Predicate<T> alive, Consumer<T> closer) {
        this.alive = alive;
        this.closer = closer;
    }

    /**
     * The shared object, opened with {@code opener} when there is none that is alive, counted as used by one more
     * instance: pair it with one {@link #release()} once that instance is gone (or could not be made).
     */
    public T retain(Opener<T> opener) throws Exception {
        lock.lock();
        try {
            if (shared == null || !alive.test(shared)) {
                shared = opener.open();
                shutdownRequested = false;
            }
            users++;
            return shared;
        } finally {
            lock.unlock();
        }
    }

    /** An instance made through {@link #retain} is gone. */
    public void release() {
        T idle = null;
        lock.lock();
        try {
            users--;
            if (users == 0 && shutdownRequested) {
                idle = detach();
            }
        } finally {
            lock.unlock();
        }
        close(idle);
    }

    /** Closes the object now if nothing uses it, else as soon as the last user is released. */
    public void shutdown() {
        T idle = null;
        lock.lock();
        try {
            if (users == 0) {
                idle = detach();
            } else {
                shutdownRequested = true;
            }
        } finally {
            lock.unlock();
        }
        close(idle);
    }

    /** The object if one is open and alive, else {@code null}: for tests and diagnostics. */
    public T current() {
        lock.lock();
        try {
            return shared != null && alive.test(shared) ? shared : null;
        } finally {
            lock.unlock();
        }
    }

    private T detach() {
        T s = shared;
        shared = null;
        shutdownRequested = false;
        return s;
    }

    private void close(T idle) {
        if (idle != null) {
            closer.accept(idle);
        }
    }
}
