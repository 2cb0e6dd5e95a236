package io.nebula.resource.core.pipeline;

import io.nebula.resource.Lease;

/**
 * A lease of the fallback, handed to a caller of the resource it stands in for: the fallback's instance, given back
 * to the fallback's pool, and {@link #requested()} names the resource asked for.
 */
final class FallbackLease<R> implements Lease<R> {

    private final Lease<?> lease;
    private final String requested;

    FallbackLease(Lease<?> lease, String requested) {
        this.lease = lease;
        this.requested = requested;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R get() {
        return (R) lease.get(); // the fallback's instances are of the resource's type: checked at deployment
    }

    @Override
    public String resource() {
        return lease.resource();
    }

    @Override
    public String requested() {
        return requested;
    }

    @Override
    public boolean isOpen() {
        return lease.isOpen();
    }

    @Override
    public void close() {
        lease.close();
    }

    @Override
    public void invalidate() {
        lease.invalidate();
    }

    @Override
    public String toString() {
        return "Lease[" + lease.resource() + " for " + requested + (isOpen() ? ", open]" : ", closed]");
    }
}
