package io.nebula.resource.core;

import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.BackendSignal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link BackendSignal}s a pool gave its live instances ({@code ResourceProvider.reportTo}): each moves the pool's
 * lifecycle, and so the resource's readiness, as an acquisition's outcome does — the backend unavailable fails the
 * pool, the backend answering readies a failed one. A signal falls silent when its instance is destroyed: closing a
 * connection makes its driver report a disconnection, which says nothing about the backend.
 *
 * <p>A driver reports on its own I/O threads, and a move of the lifecycle tells the pool's listeners, among them the
 * application's observers of health events: the move is therefore made on the pool's I/O executor, never on the
 * driver's thread. Two pieces of news in quick succession (lost, found again) may then be applied by two threads in
 * either order, so each application applies the <em>latest</em> news, under the signal's lock: the pool ends in the
 * state the last news called for.
 *
 * <p>Keyed by identity (an instance may define {@code equals}); touched on creation and destruction only, never on
 * an acquisition.
 */
final class InstanceSignals {

    private static final Object ANSWERED = new Object();

    private final AbstractPool<?> pool;
    private final ReentrantLock lock = new ReentrantLock(); // not a monitor: a virtual thread may destroy
    private final Map<Object, Signal> live = new IdentityHashMap<>();

    InstanceSignals(AbstractPool<?> pool) {
        this.pool = pool;
    }

    /** A signal for a new instance, live until {@link #silence} of the same instance. */
    BackendSignal open(Object instance) {
        Signal signal = new Signal();
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
        private final AtomicReference<Object> news = new AtomicReference<>(); // a Throwable, or ANSWERED
        private final ReentrantLock applying = new ReentrantLock();
        private volatile boolean silent;

        @Override
        public void unavailable(Throwable error) {
            if (!silent && error != null) {
                news.set(error);
                pool.io(this::apply);
            }
        }

        @Override
        public void available() {
            // two reads when nothing changes, as for an acquisition's success: a provider may call this per command
            if (!silent && (news.get() instanceof Throwable || pool.state() == ResourceState.FAILED)) {
                news.set(ANSWERED);
                pool.io(this::apply);
            }
        }

        private void apply() {
            applying.lock();
            try {
                Object latest = news.get();
                if (silent || latest == null) {
                    return;
                }
                if (latest instanceof Throwable error) {
                    pool.backendFailed(error); // a draining or closed pool stays so: the lifecycle refuses FAILED there
                } else if (pool.state() == ResourceState.FAILED) {
                    pool.backendAnswered();
                }
            } finally {
                applying.unlock();
            }
        }
    }
}
