package io.nebula.resource.cdi.inject;

import io.nebula.resource.Lease;
import io.nebula.resource.spi.ResourceProvider;

/** A lease seen through one of its provider's {@linkplain ResourceProvider#views() views}. */
public final class ViewLease<R, V> implements Lease<V> {

    private final Lease<R> lease;
    private final ResourceProvider<R> provider;
    private final Class<V> view;

    public ViewLease(Lease<R> lease, ResourceProvider<R> provider, Class<V> view) {
        this.lease = lease;
        this.provider = provider;
        this.view = view;
    }

    @Override
    public V get() {
        return provider.view(lease.get(), view);
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
        lease.close();
    }

    @Override
    public void invalidate() {
        lease.invalidate();
    }

    @Override
    public String toString() {
        return "Lease[" + resource() + " as " + view.getSimpleName() + (isOpen() ? "" : ", closed") + "]";
    }
}
