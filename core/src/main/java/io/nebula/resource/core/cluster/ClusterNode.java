package io.nebula.resource.core.cluster;

import io.nebula.resource.HealthStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This node of the cluster: its permits' backend, its heartbeat, and whether the backend answers. When a call to the
 * backend fails, the node counts alone (its local limits: {@code pool.max-size}, {@code tenant.quota.*}) and reports
 * DEGRADED ({@code NEBULA-4601}); from then on no acquisition asks the backend, only the heartbeat does, and when it
 * answers again the node tells it what it holds and resumes the cluster's limits ({@code NEBULA-4602}).
 */
public final class ClusterNode implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.cluster");

    private final ClusterPermits permits;
    private final Duration heartbeatTtl;
    private final LongSupplier millis;
    private final List<ClusterLimits> limits = new CopyOnWriteArrayList<>();
    private final AtomicLong admittedAlone = new AtomicLong();
    private final ClusterListeners listeners = new ClusterListeners();
    private volatile Throwable unavailable; // null while the backend answers
    private volatile ScheduledFuture<?> beat;

    public ClusterNode(ClusterPermits permits, Duration heartbeatTtl, LongSupplier millis) {
        this.permits = permits;
        this.heartbeatTtl = heartbeatTtl;
        this.millis = millis;
    }

    /** The cluster's limits of {@code resource} on this node: {@code null} when {@code quota} limits nothing. */
    public ClusterLimits limits(String resource, ClusterQuota quota) {
        if (!quota.limitsAnything()) {
            return null;
        }
        ClusterLimits l = new ClusterLimits(resource, quota, this);
        limits.add(l);
        return l;
    }

    /** Beats every third of the TTL on {@code scheduler}, so one lost beat does not expire the node. */
    public void start(ScheduledExecutorService scheduler) {
        long period = Math.max(1, heartbeatTtl.toMillis() / 3);
        beat = scheduler.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * One heartbeat: tells the backend this node lives and what it holds of each limit, giving back spare permits.
     * Resumes the cluster's limits when the backend answers again.
     */
    public void heartbeat() {
        try {
            permits.heartbeat();
            for (ClusterLimits l : limits) {
                l.sync();
            }
        } catch (ClusterUnavailableException e) {
            failed(e);
            return;
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        if (unavailable != null) {
            unavailable = null;
            LOG.log(System.Logger.Level.INFO, "NEBULA-4602 The cluster''s backend answers again: node ''{0}'' resumes "
                    + "the cluster-wide limits", permits.nodeId());
        }
    }

    void failed(Throwable e) {
        if (unavailable == null) {
            unavailable = e;
            LOG.log(System.Logger.Level.WARNING, "NEBULA-4601 The cluster''s backend did not answer ({0}): node ''{1}'' "
                    + "applies its local limits only until it does", e.getClass().getName(), permits.nodeId());
        }
    }

    /** Whether the backend answered the last call: otherwise acquisitions are admitted by the local limits alone. */
    public boolean available() {
        return unavailable == null;
    }

    /** {@code nebula-resource:cluster}: UP while the backend answers, DEGRADED while the node counts alone. */
    public HealthStatus health() {
        Throwable e = unavailable;
        if (e == null) {
            return HealthStatus.up(Map.of("node", permits.nodeId()));
        }
        return HealthStatus.degraded("cluster backend unavailable (" + e.getClass().getName()
                + "): node '" + permits.nodeId() + "' applies its local limits only");
    }

    /** Acquisitions admitted without the backend, by local limits alone, since the node started: a metric. */
    public long admittedAlone() {
        return admittedAlone.get();
    }

    /**
     * Tells {@code listener} of this node's cluster step from now on (a telemetry backend): its calls to the backend
     * when they are made through {@link Cluster}, refusals, admissions alone, the gate's refusals.
     */
    public void listen(ClusterListener listener) {
        listeners.add(listener);
    }

    /** Stops telling {@code listener}. */
    public void unlisten(ClusterListener listener) {
        listeners.remove(listener);
    }

    ClusterListener listeners() {
        return listeners;
    }

    /** Round trips to the backend so far. */
    public long roundTrips() {
        return permits.roundTrips();
    }

    public String nodeId() {
        return permits.nodeId();
    }

    ClusterPermits permits() {
        return permits;
    }

    /**
     * The nodes whose heartbeat is live now, this one included once it has beaten: a dashboard's question, one round
     * trip within the backend's bound.
     *
     * @throws ClusterUnavailableException when the backend does not answer within its bound
     */
    public java.util.SortedSet<String> liveNodes() {
        return permits.liveNodes();
    }

    long millis() {
        return millis.getAsLong();
    }

    void admittedAlone(int n) {
        admittedAlone.addAndGet(n);
    }

    @Override
    public void close() {
        ScheduledFuture<?> b = beat;
        if (b != null) {
            b.cancel(false);
        }
        try {
            for (ClusterLimits l : limits) {
                l.release();
            }
        } catch (RuntimeException e) {
            // the backend forgets this node's permits when its heartbeat lapses
        }
        permits.close();
    }
}
