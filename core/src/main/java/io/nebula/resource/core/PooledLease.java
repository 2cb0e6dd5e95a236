package io.nebula.resource.core;

import io.nebula.resource.Lease;
import io.nebula.resource.LeaseClosedException;
import io.nebula.resource.ResourceContext;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A lease on one pooled instance. A new object per acquisition, so a lease closed long ago keeps
 * throwing even after its slot went to someone else. Closing is a CAS: the first of close, invalidate
 * or a forced drain wins, the others do nothing.
 */
final class PooledLease<R> implements Lease<R> {

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<PooledLease> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(PooledLease.class, "closed");

    final PooledResourcePool<R> pool;
    final Slot<R> slot;
    final ResourceContext ctx;
    final long acquiredAt;
    /** Where it was acquired; captured only when leak detection is on, since a stack trace costs microseconds. */
    final Throwable acquiredTrace;
    volatile boolean leakReported;
    private volatile int closed;

    PooledLease(PooledResourcePool<R> pool, Slot<R> slot, ResourceContext ctx, long acquiredAt, Throwable trace) {
        this.pool = pool;
        this.slot = slot;
        this.ctx = ctx;
        this.acquiredAt = acquiredAt;
        this.acquiredTrace = trace;
    }

    @Override
    public R get() {
        if (closed != 0) {
            throw new LeaseClosedException(pool.name());
        }
        return slot.instance;
    }

    @Override
    public String resource() {
        return pool.name();
    }

    @Override
    public boolean isOpen() {
        return closed == 0;
    }

    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            pool.release(this, false);
        }
    }

    @Override
    public void invalidate() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            pool.release(this, true);
        }
    }

    /** Closes the lease without returning the instance: the drain destroys it. @return whether this call closed it */
    boolean revoke() {
        return CLOSED.compareAndSet(this, 0, 1);
    }

    @Override
    public String toString() {
        return "Lease[" + pool.name() + (closed == 0 ? ", open]" : ", closed]");
    }
}
