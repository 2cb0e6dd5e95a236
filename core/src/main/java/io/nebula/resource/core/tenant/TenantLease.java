package io.nebula.resource.core.tenant;

import io.nebula.resource.Lease;
import io.nebula.resource.core.Ticker;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A lease from a tenant's pool. It remembers the tenant that pool was made for, and gives its place in the
 * tenant's quota back exactly once, however often it is closed or invalidated.
 */
final class TenantLease<R> implements Lease<R> {

    private final Lease<R> lease;
    private final TenantPool<R> owner;
    private final Ticker ticker;
    /** 1 once given back. A field with an updater, not an AtomicBoolean: one object less per acquisition. */
    private volatile int returned;

    private static final AtomicIntegerFieldUpdater<TenantLease> RETURNED =
            AtomicIntegerFieldUpdater.newUpdater(TenantLease.class, "returned");

    TenantLease(Lease<R> lease, TenantPool<R> owner, Ticker ticker) {
        this.lease = lease;
        this.owner = owner;
        this.ticker = ticker;
    }

    /** The tenant whose pool made this lease. */
    String tenant() {
        return owner.tenant;
    }

    @Override
    public R get() {
        return lease.get();
    }

    @Override
    public String resource() {
        return lease.resource();
    }

    @Override
    public String requested() {
        return lease.requested();
    }

    @Override
    public boolean isOpen() {
        return lease.isOpen();
    }

    @Override
    public void close() {
        if (RETURNED.compareAndSet(this, 0, 1)) {
            try {
                lease.close();
            } finally {
                owner.returned(ticker.nanoTime());
            }
        }
    }

    @Override
    public void invalidate() {
        if (RETURNED.compareAndSet(this, 0, 1)) {
            try {
                lease.invalidate();
            } finally {
                owner.returned(ticker.nanoTime());
            }
        }
    }

    @Override
    public String toString() {
        return "Lease[" + lease.resource() + ", tenant " + owner.tenant + (isOpen() ? ", open]" : ", closed]");
    }
}
