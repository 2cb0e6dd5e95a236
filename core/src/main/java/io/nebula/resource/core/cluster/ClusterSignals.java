package io.nebula.resource.core.cluster;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How the nodes of a cluster tell each other that a resource's backend is down or up again, and agree on the one node
 * that probes it: the known-down gate ({@link ClusterGate}, docs/cluster.md); and that a resource's credentials
 * rotated ({@link ClusterRotation}). Redis in {@code providers/cluster-redis}
 * (pub/sub on one channel per cluster, {@code SET NX PX} for the claim). Signals are at most once: a node that misses
 * one falls back to its own circuit (a missed "down") or probes itself (a missed "up").
 *
 * <p>Every call answers within the implementation's bound ({@code nebula.cluster.redis-timeout}) or throws
 * {@link ClusterUnavailableException}.
 */
public interface ClusterSignals extends AutoCloseable {

    /** Tells every node, this one included, {@code signal}. */
    void publish(GateSignal signal);

    /**
     * Tells every node, this one included, that a resource's credentials rotated ({@link ClusterRotation}). A backend
     * that carries no rotations ignores it: every node then rotates on its own credential watch.
     */
    default void publishRotation(RotationSignal signal) {
    }

    /**
     * Delivers every signal published from now on, by any node (this one's too), to {@code listener}, on the
     * implementation's thread. Called again after a failure until it succeeds.
     */
    void subscribe(Consumer<GateSignal> listener);

    /**
     * As {@link #subscribe(Consumer)}, and delivers every {@link RotationSignal} to {@code rotations} too, on the same
     * subscription. A backend that carries no rotations delivers the gate's signals only.
     */
    default void subscribe(Consumer<GateSignal> listener, Consumer<RotationSignal> rotations) {
        subscribe(listener);
    }

    /** Whether {@link #subscribe} succeeded: signals arrive. */
    boolean subscribed();

    /**
     * Claims the cluster's single probe of {@code resource} for this node for {@code ttl}, unless another claim (any
     * node's, this one's too) has not expired yet.
     *
     * @return whether this node holds the claim now
     */
    boolean claimProbe(String resource, Duration ttl);

    /**
     * This node's claim of {@code resource}'s probe, if it still holds it, ends after {@code after} ({@code 0}: at
     * once); another node's claim is left alone.
     */
    void releaseProbe(String resource, Duration after);

    /** This node's id ({@code nebula.cluster.node-id}). */
    String nodeId();

    @Override
    void close();
}
