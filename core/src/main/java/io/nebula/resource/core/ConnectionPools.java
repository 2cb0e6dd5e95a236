package io.nebula.resource.core;

import io.nebula.resource.spi.ConnectionEvents;
import io.nebula.resource.spi.ConnectionPoolFigures;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection pools inside one pool's live instances ({@code ResourceProvider.connectionPool}: a JDBC resource's
 * data source), for the telemetry that reports their connections, and the one {@link ConnectionEvents} listener they
 * all tell: the engine adds an instance's figures as it is created and removes them as it is destroyed; a telemetry
 * backend reads {@link #live()} when it collects and {@link #listen}s only when it records durations, so that with
 * none the instances read no clock for it.
 *
 * <p>Touched on creation, destruction, collection and when the telemetry changes; never on an acquisition.
 */
public final class ConnectionPools {

    private final ReentrantLock lock = new ReentrantLock(); // not a monitor: a virtual thread may create or destroy
    private final Map<Object, ConnectionPoolFigures> live = new IdentityHashMap<>();
    private ConnectionEvents events;

    /** A new instance's connection pool: told of the current listener, if any, and read from now on. */
    void opened(Object instance, ConnectionPoolFigures figures) {
        lock.lock();
        try {
            live.put(instance, figures);
            if (events != null) {
                figures.listen(events); // under the lock, so a listen() running meanwhile cannot be overtaken
            }
        } finally {
            lock.unlock();
        }
    }

    /** The instance is being destroyed: its connections are no longer this pool's. */
    void closed(Object instance) {
        ConnectionPoolFigures figures;
        lock.lock();
        try {
            figures = live.remove(instance);
        } finally {
            lock.unlock();
        }
        if (figures != null) {
            figures.listen(null);
        }
    }

    /** The figures of the live instances now; empty when the provider's instances pool no connections. */
    public List<ConnectionPoolFigures> live() {
        lock.lock();
        try {
            return live.isEmpty() ? List.of() : new ArrayList<>(live.values());
        } finally {
            lock.unlock();
        }
    }

    /** Every live instance and each one created later tells {@code listener} of its connections' events. */
    public void listen(ConnectionEvents listener) {
        swap(null, listener, false);
    }

    /** Stops {@code listener}, unless another took its place since (telemetry that changed listens before it closes). */
    public void stopListening(ConnectionEvents listener) {
        swap(listener, null, true);
    }

    private void swap(ConnectionEvents expected, ConnectionEvents next, boolean onlyIfExpected) {
        lock.lock();
        try {
            if (onlyIfExpected && events != expected) {
                return;
            }
            events = next;
            for (ConnectionPoolFigures f : live.values()) {
                f.listen(next);
            }
        } finally {
            lock.unlock();
        }
    }
}
