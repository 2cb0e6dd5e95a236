package io.nebula.resource.core.cluster;

import io.nebula.resource.CircuitOpenException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster's known-down gate of one resource on this node. Closed, it costs the pipeline one volatile read. It
 * opens when this node sees the backend down ({@link #down}: its circuit opened, or an acquisition spent its retries
 * on a backend failure), telling every node, or when another node tells it so. While open, acquisitions fail at once
 * with a {@link CircuitOpenException} naming the node that saw it, except the one that holds the cluster's probe
 * claim ({@link #claim}): when that one succeeds, the gate closes on every node.
 *
 * <p>When the signals' backend does not answer, this node's gate follows what it sees itself: a claim it cannot ask
 * for is granted (this node probes alone), a signal it cannot send is dropped.
 */
public final class ResourceGate {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.cluster");

    /** The gate is open: {@code node} saw the backend down at {@code since} (this node's clock), for {@code reason}. */
    public record Open(String node, String reason, long since) {
    }

    private final String resource;
    private final ClusterGate cluster;
    private final AtomicReference<Open> open = new AtomicReference<>();
    private final AtomicBoolean probing = new AtomicBoolean(); // one probe at a time on this node, too
    private final List<Runnable> whenClosed = new CopyOnWriteArrayList<>();
    private volatile long nextClaim;
    /** The thread whose probe holds the claim now; {@code null} for none. */
    private volatile Thread prober;
    /** Whether the holder's pool has probed once on the strength of the claim, without waiting out its backoff. */
    private volatile boolean proberSpent;

    ResourceGate(String resource, ClusterGate cluster) {
        this.resource = resource;
        this.cluster = cluster;
    }

    /** Why the gate is open; {@code null} while it is closed. */
    public Open open() {
        return open.get();
    }

    /**
     * This node saw the backend down: the gate opens here and on every node (unless it is open already), and this
     * node's failure counts as the first failed probe, so no node probes before the probe interval has passed.
     *
     * @param reason why, without any message that may carry a secret: an exception's class name
     */
    public void down(String reason) {
        long now = cluster.millis();
        if (!open.compareAndSet(null, new Open(cluster.nodeId(), reason, now))) {
            return;
        }
        opened(cluster.nodeId(), reason);
        nextClaim = now + cluster.probeInterval();
        try {
            cluster.signals().claimProbe(resource, Duration.ofMillis(cluster.probeInterval()));
            cluster.signals().publish(GateSignal.down(resource, cluster.nodeId(), reason));
        } catch (ClusterUnavailableException e) {
            // the other nodes learn it from their own circuits
        }
    }

    void received(GateSignal signal) {
        if (signal.down()) {
            if (open.compareAndSet(null, new Open(signal.node(), signal.reason(), cluster.millis()))) {
                opened(signal.node(), signal.reason());
            }
        } else {
            closed(signal.node());
        }
    }

    /**
     * Whether the calling acquisition is the cluster's probe: at most one at a time on all nodes together. A node asks
     * the backend for the claim at most once per probe interval; when the backend does not answer, the claim is this
     * node's alone.
     */
    public boolean claim() {
        long now = cluster.millis();
        if (now < nextClaim || !probing.compareAndSet(false, true)) {
            return false;
        }
        boolean granted;
        try {
            granted = cluster.signals().claimProbe(resource, cluster.claimTtl());
        } catch (ClusterUnavailableException e) {
            granted = true; // the local circuit's behaviour: this node probes on its own
        }
        if (!granted) {
            nextClaim = now + cluster.probeInterval();
            probing.set(false);
        } else {
            proberSpent = false;
            prober = Thread.currentThread();
        }
        return granted;
    }

    /** The probe that {@link #claim} let through succeeded: the gate closes here and on every node. */
    public void probeSucceeded() {
        prober = null;
        closed(cluster.nodeId());
        try {
            cluster.signals().publish(GateSignal.up(resource, cluster.nodeId()));
            cluster.signals().releaseProbe(resource, Duration.ZERO);
        } catch (ClusterUnavailableException e) {
            // the other nodes' own probes will find the backend up
        } finally {
            probing.set(false);
        }
    }

    /**
     * The probe that {@link #claim} let through failed: this node keeps the claim for the probe interval, so the next
     * probe, on any node, comes no sooner.
     */
    public void probeFailed() {
        prober = null;
        nextClaim = cluster.millis() + cluster.probeInterval();
        try {
            cluster.signals().releaseProbe(resource, Duration.ofMillis(cluster.probeInterval()));
        } catch (ClusterUnavailableException e) {
            // the claim expires by itself
        } finally {
            probing.set(false);
        }
    }

    /**
     * The pool engine's recovery probe as one of the cluster's probes: while the gate is open, a failing pool's probe
     * asks the backend only holding the probe claim ({@link #claim}), and its outcome closes the gate on every node or
     * keeps the claim for the probe interval; while the gate is closed the pool probes on its own, as without a
     * cluster. One outstanding claim per pool: the pool asks only once it has won its own probe turn.
     */
    public io.nebula.resource.core.ProbeClaim recoveryProbes() {
        return new io.nebula.resource.core.ProbeClaim() {
            private volatile boolean claimed;

            @Override
            public boolean knownDown() {
                return open() != null;
            }

            @Override
            public boolean heldByCaller() {
                // once per claim: a failed probe's creation that asks again on the same thread waits out the backoff
                return prober == Thread.currentThread() && !proberSpent;
            }

            @Override
            public boolean claim() {
                if (open() == null || prober == Thread.currentThread()) {
                    // closed: the pool probes on its own; or this thread's acquisition is the cluster's probe already
                    // (it passed the gate holding the claim), and the pool's probe is what it asks the backend with
                    if (open() != null) {
                        proberSpent = true;
                    }
                    claimed = false;
                    return true;
                }
                claimed = ResourceGate.this.claim();
                return claimed;
            }

            @Override
            public void answered(boolean up) {
                if (!claimed) {
                    return;
                }
                claimed = false;
                if (up) {
                    probeSucceeded();
                } else {
                    probeFailed();
                }
            }
        };
    }

    /** Runs {@code action} each time the gate closes: the local circuit may try again at once. */
    public void whenClosed(Runnable action) {
        whenClosed.add(action);
    }

    /** The longest a probe may run: its claim's TTL. */
    public Duration claimTtl() {
        return cluster.claimTtl();
    }

    /** The refusal of an acquisition while the gate is open: names the node that saw the backend down, and why. */
    public CircuitOpenException refusal(Open why) {
        cluster.listener().gateRefused(resource, why.node(), why.reason());
        return knownDown(why);
    }

    /**
     * What this node knows of the backend while the gate is open, without asking it: the refusal's exception, not
     * counted as a refused acquisition. A scheduled health check that does not hold the claim answers with it.
     */
    public CircuitOpenException knownDown(Open why) {
        String seen = why.node().equals(cluster.nodeId()) ? "this node, '" + why.node() + "'," : "node '" + why.node() + "'";
        return new CircuitOpenException(resource, "NEBULA-4606 Circuit of resource '" + resource + "' is open across "
                + "the cluster: " + seen + " saw its backend down (" + why.reason() + "); one node at a time probes it",
                why.node(), null);
    }

    /** The gate's state for a gauge, coded as a circuit's ({@code nebula.resource.circuit.state}): 0 closed, 2 open. */
    public int code() {
        return open.get() == null ? 0 : 2;
    }

    public String resource() {
        return resource;
    }

    private void opened(String node, String reason) {
        LOG.log(System.Logger.Level.WARNING, "NEBULA-4604 The cluster''s gate of ''{0}'' is open: node ''{1}'' saw its "
                + "backend down ({2}); node ''{3}'' fails its acquisitions fast and one node at a time probes it",
                resource, node, reason, cluster.nodeId());
    }

    private void closed(String by) {
        Open was = open.getAndSet(null);
        if (was == null) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "NEBULA-4605 The cluster''s gate of ''{0}'' is closed on node ''{1}'': a "
                + "probe from node ''{2}'' found its backend up", resource, cluster.nodeId(), by);
        for (Runnable r : whenClosed) {
            r.run();
        }
    }
}
