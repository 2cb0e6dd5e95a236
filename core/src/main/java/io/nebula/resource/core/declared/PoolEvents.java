package io.nebula.resource.core.declared;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.HealthTracker;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.history.AnomalyListener;
import io.nebula.resource.event.ResourceAnomalyEvent;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.history.Anomaly;
import io.nebula.resource.event.AcquisitionFailedEvent;
import io.nebula.resource.event.LeakDetectedEvent;
import io.nebula.resource.event.ResourceLifecycleEvent;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Turns what one pool reports into the resource's events ({@code io.nebula.resource.event}): lifecycle, failed
 * acquisitions (from its pipeline), leaks and health. Where they go is the caller's: the CDI extension fires them
 * as CDI events.
 */
public final class PoolEvents implements PoolListener, AnomalyListener {

    private static final System.Logger LOG = System.getLogger(PoolEvents.class.getName());

    private final String resource;
    private final String pool;
    private final Consumer<Object> events;
    private final HealthTracker health;
    private volatile ResourcePool<?> source;
    private volatile boolean retiring;

    /**
     * @param resource the resource name the events carry
     * @param pool     which of the resource's pools this is, for health: its shared pool or a tenant's
     * @param events   where the events go; must not throw
     */
    public PoolEvents(String resource, String pool, Consumer<Object> events, HealthTracker health) {
        this.resource = resource;
        this.pool = pool;
        this.events = events;
        this.health = health;
    }

    /** The pool this listener reports on, once built; gives health its last backend error. */
    public void source(ResourcePool<?> source) {
        this.source = source;
    }

    /**
     * This tenant's pool is being closed because it was idle (or to make room for another tenant), not because it
     * failed or the application stops: its draining is neither a lifecycle event of the resource nor bad health,
     * and the pool leaves the resource's health altogether.
     */
    public void retiring() {
        retiring = true;
        health.forget(resource, pool).forEach(events);
        // its anomalies go with it: nothing will clear them
        health.mark(resource, pool + " anomaly acquisition-p99", null).forEach(events);
        health.mark(resource, pool + " anomaly error-rate", null).forEach(events);
    }

    @Override
    public void onStateChange(String poolName, ResourceState from, ResourceState to) {
        if (retiring) {
            return;
        }
        events.accept(new ResourceLifecycleEvent(resource, from, to));
        ResourcePool<?> p = source;
        // the pool's state now, not the one this call was told: see HealthTracker.stateChanged
        health.stateChanged(resource, pool, () -> p == null ? to : p.state(),
                () -> p == null ? null : p.lastError().orElse(null)).forEach(events);
    }

    /**
     * An acquisition failed, after its retries: reported by the acquisition pipeline rather than the pool's
     * {@code onAcquireFailure}, so there is one event per failed acquisition (not one per attempt), and a
     * refusal the pool never saw (circuit open, quarantine) has one too. A driver's own error from a data
     * source's {@code getConnection()} is not a {@link ResourceException} and has none. Its audit record is the
     * pipeline's audit stage's.
     */
    public void acquisitionFailed(ResourceContext ctx, Throwable error) {
        if (error instanceof ResourceException e) {
            events.accept(new AcquisitionFailedEvent(resource, ctx == null ? ResourceContext.GLOBAL : ctx, e));
        }
    }

    /**
     * The pool's history flagged an anomaly: a WARNING record (NEBULA-4501), a {@link ResourceAnomalyEvent}, and the
     * resource DEGRADED with the anomaly's reason until it clears.
     */
    @Override
    public void flagged(Anomaly anomaly) {
        LOG.log(System.Logger.Level.WARNING, "NEBULA-4501 Anomaly: " + anomaly.reason());
        events.accept(new ResourceAnomalyEvent(anomaly, false));
        health.mark(resource, anomalyKey(anomaly), HealthStatus.degraded(anomaly.reason())).forEach(events);
    }

    /** The anomaly cleared: an INFO record (NEBULA-4502), the event, and its part of the health gone. */
    @Override
    public void cleared(Anomaly anomaly) {
        LOG.log(System.Logger.Level.INFO, "NEBULA-4502 Anomaly cleared: " + anomaly.reason());
        events.accept(new ResourceAnomalyEvent(anomaly, true));
        health.mark(resource, anomalyKey(anomaly), null).forEach(events);
    }

    private String anomalyKey(Anomaly anomaly) {
        return pool + " anomaly " + anomaly.signal();
    }

    @Override
    public void onLeak(String poolName, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
        events.accept(new LeakDetectedEvent(resource, ctx == null ? ResourceContext.GLOBAL : ctx,
                Duration.ofNanos(heldNanos), acquiredAt));
    }
}
