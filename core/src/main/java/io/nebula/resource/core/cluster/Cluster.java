package io.nebula.resource.core.cluster;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;

/**
 * An application's place in the cluster, as {@code nebula.cluster.*} configures it: the {@link ClusterNode} on the
 * backend of {@code nebula.cluster.resource} (found through a {@link ClusterPermitsFactory}), its heartbeat on a
 * thread of its own, and the cluster-wide limits of each resource that sets {@code cluster.*} keys, one per resource
 * and shared by the pools of all its tenants. What the CDI extension builds at deployment; plain Java may too.
 */
public final class Cluster implements AutoCloseable {

    private final ClusterNode node;
    private final MeasuredPermits permits;
    private final ScheduledExecutorService heartbeat;
    private final ClusterGate gate; // null: the backend carries no signals
    private final ClusterRotation rotation; // null: the backend carries no signals
    private final ConcurrentMap<String, Optional<ClusterLimits>> limits = new ConcurrentHashMap<>();

    private Cluster(ClusterNode node, MeasuredPermits permits, ScheduledExecutorService heartbeat, ClusterGate gate,
                    ClusterRotation rotation) {
        this.node = node;
        this.permits = permits;
        this.heartbeat = heartbeat;
        this.gate = gate;
        this.rotation = rotation;
    }

    /** The factory of backends of {@code kind} on {@code loader}'s class path; empty when none is installed. */
    public static Optional<ClusterPermitsFactory> factory(String kind, ClassLoader loader) {
        for (ClusterPermitsFactory f : ServiceLoader.load(ClusterPermitsFactory.class, loader)) {
            if (f.kind().equals(kind)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Joins the cluster: the node on {@code backend} (the settings of the resource {@code settings.resource()}
     * names, of kind {@code kind}) and its heartbeat, started; and the known-down gate ({@link ClusterGate}) on the
     * factory's {@linkplain ClusterPermitsFactory#signals signals}, probing every {@code nebula.cluster.probe-interval},
     * and on the same signals the credential rotations ({@link ClusterRotation}),
     * subscribing on the heartbeat's thread (not the caller's), its probe
     * claim lasting {@code nebula.cluster.heartbeat-ttl} (a probe runs at most that long; a node that died holding the
     * claim stops holding it then, as its permits). Connects lazily: a backend down now makes the node count
     * alone from its first call, not the application fail.
     *
     * @throws IllegalStateException when no {@link ClusterPermitsFactory} of {@code kind} is installed
     */
    public static Cluster join(ClusterSettings settings, String kind, ResourceSettings backend, ClassLoader loader) {
        ClusterPermitsFactory factory = factory(kind, loader).orElseThrow(() -> new IllegalStateException(
                ClusterSettings.RESOURCE + " names a resource of kind " + kind + ", but no cluster backend of that kind"
                        + " is installed (nebula-resource-cluster-redis)"));
        String nodeId = settings.nodeId() != null ? settings.nodeId() : defaultNodeId();
        MeasuredPermits measured = new MeasuredPermits(factory.create(backend, nodeId, settings.heartbeatTtl(),
                settings.redisTimeout()));
        ClusterNode node = new ClusterNode(measured, settings.heartbeatTtl(), System::currentTimeMillis);
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nebula-cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
        node.start(beat);
        ClusterSignals signals = factory.signals(backend, nodeId, settings.redisTimeout());
        ClusterGate gate = null;
        ClusterRotation rotation = null;
        if (signals != null) {
            gate = new ClusterGate(signals, settings.heartbeatTtl(), settings.probeInterval(),
                    System::currentTimeMillis);
            rotation = new ClusterRotation(signals, System::currentTimeMillis); // rotations on the gate's channel
            gate.rotation(rotation);
            ClusterGate started = gate; // subscribes on the heartbeat's thread: nothing connects during deployment
            beat.execute(() -> started.start(beat));
        }
        return new Cluster(node, measured, beat, gate, rotation);
    }

    /** The default {@code nebula.cluster.node-id}: host name and process id, {@code host-1234}. */
    public static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * The cluster-wide limits of {@code resource} whose settings are {@code settings} (its {@code cluster.*} keys,
     * checked at deployment); {@code null} when it sets none. Made once per resource.
     */
    public ClusterLimits limits(String resource, ResourceSettings settings) {
        return limits.computeIfAbsent(resource, r -> Optional.ofNullable(
                node.limits(r, ClusterQuota.read(settings, new ConfigProblems())))).orElse(null);
    }

    /**
     * This node's known-down gate of {@code resource} ({@code WovenPoolBuilder.gate}); {@code null} when the backend
     * carries no signals.
     */
    public ResourceGate gate(String resource) {
        return gate == null ? null : gate.resource(resource);
    }

    /**
     * Credential rotation across the nodes: each credentialed pool {@linkplain ClusterRotation#join joins} it, so its
     * rotations are published and other nodes' are heard; {@code null} when the backend carries no signals.
     */
    public ClusterRotation rotation() {
        return rotation;
    }

    /** The known-down gate of this node; {@code null} when the backend carries no signals. */
    public ClusterGate gate() {
        return gate;
    }

    public ClusterNode node() {
        return node;
    }

    /** {@code nebula-resource:cluster}: UP while the backend answers, DEGRADED with the reason while the node counts alone. */
    public HealthStatus health() {
        return node.health();
    }

    /** Tells {@code nanos} how long each call to the backend took, from now on: its latency metric. */
    public void onCall(LongConsumer nanos) {
        permits.observe(nanos == null ? n -> { } : nanos);
    }

    /** Calls to the backend that did not answer within {@code nebula.cluster.redis-timeout}. */
    public long failedCalls() {
        return permits.failures();
    }

    /** Leaves the cluster: the heartbeat stops, every permit this node holds is given back. After the pools closed. */
    @Override
    public void close() {
        try {
            if (gate != null) {
                gate.close();
            }
        } finally {
            try {
                node.close();
            } finally {
                heartbeat.shutdownNow();
            }
        }
    }
}
