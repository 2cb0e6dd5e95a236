package io.nebula.resource.spi;

/**
 * Where an instance tells its resource's health what it observes of its backend by itself, outside any acquisition:
 * a shared client that the application calls directly (a Lettuce connection, a NATS connection) loses its server and
 * finds it again without an acquisition ever seeing either. See {@link ResourceProvider#reportTo}.
 *
 * <p>Both methods are cheap when nothing changes (a read of the pool's state) and never throw. A change moves the
 * pool's lifecycle on the calling thread, in the order the news came with the outcomes of acquisitions, and tells the
 * pool's listeners there — the application's observers of health events among them, which may block. Call them from
 * a thread that may wait: a driver's callback thread, an application's thread, not a driver's I/O event loop (a
 * Lettuce or netty channel handler), where an observer calling the same driver would deadlock; hand news from there
 * to one other thread, in order. Once the instance is destroyed, its signal tells nothing: a disconnection the
 * provider itself caused by closing the instance is no news about the backend.
 */
public interface BackendSignal {

    /** Tells nothing: for an instance made outside any pool. */
    BackendSignal NONE = new BackendSignal() {
        @Override
        public void unavailable(Throwable error) {
        }

        @Override
        public void available() {
        }
    };

    /**
     * The backend cannot be reached, or failed: the resource becomes DOWN at once, with {@code error} as the reason
     * its health reports (masked of the resource's secrets, as every reported error).
     */
    void unavailable(Throwable error);

    /** The backend answered: a resource that is DOWN becomes UP at once. */
    void available();
}
