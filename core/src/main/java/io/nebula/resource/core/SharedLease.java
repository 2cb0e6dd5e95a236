package io.nebula.resource.core;

import io.nebula.resource.Lease;
import io.nebula.resource.LeaseClosedException;
import io.nebula.resource.ResourceContext;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** A lease on a shared (resident or bounded) instance: a counted reference, closed by CAS. */
final class SharedLease<R> implements Lease<R> {

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<SharedLease> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(SharedLease.class, "closed");

    final SharedResourcePool<R> pool;
    final SharedInstance<R> holder;
    final ResourceContext ctx;
    final long acquiredAt;
    final Throwable acquiredTrace;
    volatile boolean leakReported;
    private volatile int closed;

    SharedLease(SharedResourcePool<R> pool, SharedInstance<R> holder, ResourceContext ctx, long acquiredAt,
                Throwable trace) {
        this.pool = pool;
        this.holder = holder;
        this.ctx = ctx;
        this.acquiredAt = acquiredAt;
        this.acquiredTrace = trace;
    }

    @Override
    public R get() {
        if (closed != 0 || holder.destroyed()) {
            throw new LeaseClosedException(pool.name());
        }
        return holder.instance;
    }

    @Override
    public String resource() {
        return pool.name();
    }

    @Override
    public boolean isOpen() {
        return closed == 0 && !holder.destroyed();
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

    @Override
    public String toString() {
        return "Lease[" + pool.name() + (closed == 0 ? ", open]" : ", closed]");
    }
}
