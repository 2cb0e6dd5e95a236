package io.nebula.resource.core.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * This node's side of the cluster's known-down gate (#13 point 3, docs/cluster.md): one {@link ResourceGate} per
 * resource, opened when any node sees the resource's backend down and closed when one probe, on any node, finds it
 * up. The signals travel over {@link ClusterSignals} (Redis pub/sub); a node that cannot reach them keeps its own
 * circuit's behaviour.
 */
public final class ClusterGate implements AutoCloseable {

    /** How long after a failed probe (or the opening) the next probe may start, on any node. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(250);
    private static final long RESUBSCRIBE_MILLIS = 1000;

    private final ClusterSignals signals;
    private final Duration claimTtl;
    private final long probeInterval;
    private final LongSupplier millis;
    private final ConcurrentMap<String, ResourceGate> gates = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> subscribing;
    private volatile ClusterRotation rotation; // null: rotations are not listened to

    /**
     * @param claimTtl      how long a node's claim of a probe lasts: a probe runs at most this long
     *                      ({@code nebula.cluster.heartbeat-ttl} in the CDI wiring), and a node that died holding the
     *                      claim stops holding it then
     * @param probeInterval how long after a failed probe the next one may start, cluster-wide
     * @param millis        the clock, fake in tests
     */
    public ClusterGate(ClusterSignals signals, Duration claimTtl, Duration probeInterval, LongSupplier millis) {
        this.signals = Objects.requireNonNull(signals, "signals");
        this.claimTtl = claimTtl;
        this.probeInterval = probeInterval.toMillis();
        this.millis = millis;
    }

    public ClusterGate(ClusterSignals signals, Duration claimTtl, LongSupplier millis) {
        this(signals, claimTtl, DEFAULT_PROBE_INTERVAL, millis);
    }

    /** The gate of {@code resource} on this node: what its pools' pipelines ask ({@code WovenPoolBuilder.gate}). */
    public ResourceGate resource(String resource) {
        return gates.computeIfAbsent(resource, r -> new ResourceGate(r, this));
    }

    /** The gate of {@code resource} if a pool was given it ({@link #resource}); {@code null} otherwise. */
    public ResourceGate existing(String resource) {
        return gates.get(resource);
    }

    /**
     * Subscribes to the cluster's signals now, and, while that fails (Redis unreachable), again every second on
     * {@code scheduler}; meanwhile the node's gates open only by what this node sees itself.
     */
    public void start(ScheduledExecutorService scheduler) {
        subscribe();
        subscribing = scheduler.scheduleWithFixedDelay(this::subscribe, RESUBSCRIBE_MILLIS, RESUBSCRIBE_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Subscribes unless subscribed; whether signals arrive now. */
    public boolean subscribe() {
        if (signals.subscribed()) {
            return true;
        }
        try {
            ClusterRotation r = rotation;
            if (r == null) {
                signals.subscribe(this::received);
            } else {
                signals.subscribe(this::received, r::received);
            }
        } catch (ClusterUnavailableException e) {
            return false; // asked again by start's task
        }
        return signals.subscribed();
    }

    /** Hears the rotations of other nodes on the same subscription; set before {@link #start}. */
    public void rotation(ClusterRotation rotation) {
        this.rotation = rotation;
    }

    /** Whether signals from other nodes arrive: {@code false} while the backend could not be subscribed to. */
    public boolean subscribed() {
        return signals.subscribed();
    }

    void received(GateSignal signal) {
        if (signal.node().equals(signals.nodeId())) {
            return; // this node's own, already applied when it was sent
        }
        resource(signal.resource()).received(signal);
    }

    public String nodeId() {
        return signals.nodeId();
    }

    ClusterSignals signals() {
        return signals;
    }

    Duration claimTtl() {
        return claimTtl;
    }

    long probeInterval() {
        return probeInterval;
    }

    long millis() {
        return millis.getAsLong();
    }

    @Override
    public void close() {
        ScheduledFuture<?> s = subscribing;
        if (s != null) {
            s.cancel(false);
        }
        signals.close();
    }
}
