package io.nebula.resource.core;

import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.BackendSignal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link BackendSignal}s a pool gave its live instances ({@code ResourceProvider.reportTo}): each moves the pool's
 * lifecycle, and so the resource's readiness, as an acquisition's outcome does — the backend unavailable fails the
 * pool, the backend answering readies a failed one. A signal falls silent when its instance is destroyed: closing a
 * connection makes its driver report a disconnection, which says nothing about the backend.
 *
 * <p>The move is made on the caller's thread, as an acquisition's is, so that news and acquisitions apply in the order
 * they happened: handed to another thread, a connection's failure could be applied after a later acquisition's
 * success and leave readiness DOWN while every call succeeds. A provider therefore reports from a thread that may run
 * the pool's listeners, not from its driver's I/O event loop (see {@code BackendSignal}).
 *
 * <p>Keyed by identity (an instance may define {@code equals}); touched on creation and destruction only, never on
 * an acquisition.
 */
final class InstanceSignals {

    private final AbstractPool<?> pool;
    private final ReentrantLock lock = new ReentrantLock(); // not a monitor: a virtual thread may destroy
    private final Map<Object, Signal> live = new IdentityHashMap<>();

    InstanceSignals(AbstractPool<?> pool) {
        this.pool = pool;
    }

    /** A signal for a new instance of {@code endpoint}, live until {@link #silence} of the same instance. */
    BackendSignal open(Object instance, int endpoint) {
        Signal signal = new Signal(endpoint);
        lock.lock();
        try {
            live.put(instance, signal);
        } finally {
            lock.unlock();
        }
        return signal;
    }

    /** The instance is being destroyed: what its signal says from now on is ignored. */
    void silence(Object instance) {
        Signal signal;
        lock.lock();
        try {
            signal = live.remove(instance);
        } finally {
            lock.unlock();
        }
        if (signal != null) {
            signal.silent = true;
        }
    }

    private final class Signal implements BackendSignal {
        private final int endpoint;
        private volatile boolean silent;

        Signal(int endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void unavailable(Throwable error) {
            if (silent || error == null) {
                return;
            }
            if (pool.health != null) {
                // one endpoint of several lost: it goes DOWN and the others serve (see EndpointHealth)
                if (pool.accepting() && !pool.health.down(endpoint)) {
                    pool.endpointFailed(endpoint, error, true);
                }
            } else {
                pool.backendFailed(error); // a draining or closed pool stays so: the lifecycle refuses FAILED there
            }
        }

        @Override
        public void available() {
            // With endpoints, an endpoint's probe says when it is back, not a connection that reconnected by itself.
            // One read when nothing changes, as for an acquisition's success: a provider may call this per command
            if (!silent && pool.health == null && pool.state() == ResourceState.FAILED) {
                pool.backendAnswered();
            }
        }
    }
}
