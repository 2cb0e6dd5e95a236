package io.nebula.resource.core.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The cluster's signals in memory, for the engine's unit tests: a bus that delivers each signal to every subscribed
 * node (the sender too, as Redis pub/sub does) at once, and probe claims that expire on the test's clock
 * ({@link #millis}). {@link #down} makes every call fail as an unreachable backend does.
 */
public final class SharedSignals {

    public final AtomicLong millis = new AtomicLong(1_000_000);
    public volatile boolean down;
    private final List<Consumer<GateSignal>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> claims = new HashMap<>(); // resource -> node
    private final Map<String, Long> expiries = new HashMap<>();
    public final List<GateSignal> published = new CopyOnWriteArrayList<>();
    private final List<Consumer<RotationSignal>> rotationListeners = new CopyOnWriteArrayList<>();
    public final List<RotationSignal> rotations = new CopyOnWriteArrayList<>();

    /** The gate of node {@code id} on this bus, subscribed, with a claim TTL of 3 s. */
    public ClusterGate gate(String id) {
        ClusterGate gate = new ClusterGate(node(id), Duration.ofSeconds(3), Duration.ofMillis(250), millis::get);
        gate.subscribe();
        return gate;
    }

    /** Who holds the claim of {@code resource}'s probe now; {@code null} for nobody. */
    public synchronized String claimant(String resource) {
        Long until = expiries.get(resource);
        if (until == null || until <= millis.get()) {
            return null;
        }
        return claims.get(resource);
    }

    ClusterSignals node(String id) {
        return new ClusterSignals() {
            private volatile boolean subscribed;

            private void call() {
                if (down) {
                    throw new ClusterUnavailableException("signals down", null);
                }
            }

            @Override
            public void publish(GateSignal signal) {
                call();
                published.add(signal);
                for (Consumer<GateSignal> l : listeners) {
                    l.accept(signal);
                }
            }

            @Override
            public void subscribe(Consumer<GateSignal> listener) {
                call();
                listeners.add(listener);
                subscribed = true;
            }

            @Override
            public void publishRotation(RotationSignal signal) {
                call();
                rotations.add(signal);
                for (Consumer<RotationSignal> l : rotationListeners) {
                    l.accept(signal);
                }
            }

            @Override
            public void subscribe(Consumer<GateSignal> listener, Consumer<RotationSignal> rotated) {
                subscribe(listener);
                rotationListeners.add(rotated);
            }

            @Override
            public boolean subscribed() {
                return subscribed;
            }

            @Override
            public boolean claimProbe(String resource, Duration ttl) {
                call();
                synchronized (SharedSignals.this) {
                    if (claimant(resource) != null) {
                        return false;
                    }
                    claims.put(resource, id);
                    expiries.put(resource, millis.get() + ttl.toMillis());
                    return true;
                }
            }

            @Override
            public void releaseProbe(String resource, Duration after) {
                call();
                synchronized (SharedSignals.this) {
                    if (id.equals(claimant(resource))) {
                        expiries.put(resource, millis.get() + after.toMillis());
                    }
                }
            }

            @Override
            public String nodeId() {
                return id;
            }

            @Override
            public void close() {
            }
        };
    }
}
