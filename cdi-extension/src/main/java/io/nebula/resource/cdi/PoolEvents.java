package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.event.AcquisitionFailedEvent;
import io.nebula.resource.event.LeakDetectedEvent;
import io.nebula.resource.event.ResourceLifecycleEvent;

import java.time.Duration;

/** Turns what one pool's engine reports into CDI events: lifecycle, failed acquisitions, leaks and health. */
final class PoolEvents implements PoolListener {

    private final String resource;
    private final String pool;
    private final EventSink events;
    private final HealthTracker health;
    private volatile ResourcePool<?> source;

    /**
     * @param resource the resource name the events carry
     * @param pool     which of the resource's pools this is, for health: its shared pool or a tenant's
     */
    PoolEvents(String resource, String pool, EventSink events, HealthTracker health) {
        this.resource = resource;
        this.pool = pool;
        this.events = events;
        this.health = health;
    }

    /** The pool this listener reports on, once built; gives health its last backend error. */
    void source(ResourcePool<?> source) {
        this.source = source;
    }

    @Override
    public void onStateChange(String poolName, ResourceState from, ResourceState to) {
        events.fire(new ResourceLifecycleEvent(resource, from, to));
        ResourcePool<?> p = source;
        Throwable lastError = p == null ? null : p.lastError().orElse(null);
        health.stateChanged(resource, pool, to, lastError).forEach(events::fire);
    }

    @Override
    public void onAcquireFailure(String poolName, ResourceContext ctx, ResourceException error, long waitNanos) {
        events.fire(new AcquisitionFailedEvent(resource, ctx == null ? ResourceContext.GLOBAL : ctx, error));
    }

    @Override
    public void onLeak(String poolName, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
        events.fire(new LeakDetectedEvent(resource, ctx == null ? ResourceContext.GLOBAL : ctx,
                Duration.ofNanos(heldNanos), acquiredAt));
    }
}
