package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceState;
import io.nebula.resource.cdi.resilience.Acquisition;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Optional;

/**
 * A pool with fault tolerance, health and telemetry woven around it: every acquisition passes through its
 * {@link AcquisitionChain}, every health check is traced and counted by its quarantine. Everything else is the
 * engine's pool as it is.
 */
final class WovenPool<R> implements ResourcePool<R> {

    private final ResourcePool<R> pool;
    private final PoolWeave weave;
    private final Acquisition<Lease<R>> leases;
    private final Runnable forget;
    private volatile WovenDataSource dataSource; // the view of the current shared instance, made once

    /** @param forget removes this pool from the resource's live pools once it is closed */
    WovenPool(ResourcePool<R> pool, PoolWeave weave, Runnable forget) {
        this.pool = pool;
        this.weave = weave;
        this.forget = forget;
        this.leases = AcquisitionChain.assemble(weave,
                (ctx, timeout) -> pool.acquire(timeout == null ? pool.config().acquireTimeout() : timeout, ctx));
    }

    PoolWeave weave() {
        return weave;
    }

    /**
     * {@code raw} (this pool's shared instance seen as a {@code DataSource}) with every {@code getConnection()}
     * passing through this pool's chain.
     */
    DataSource dataSource(DataSource raw, java.util.function.Supplier<ResourceContext> context) {
        WovenDataSource d = dataSource;
        if (d != null && d.wraps(raw)) {
            return d;
        }
        d = new WovenDataSource(name(), raw, AcquisitionChain.assemble(weave, (ctx, timeout) -> raw.getConnection()), context);
        dataSource = d;
        return d;
    }

    @Override
    public Lease<R> acquire(Duration timeout, ResourceContext ctx) {
        return AcquisitionChain.run(name(), leases, ctx, timeout);
    }

    @Override
    public Lease<R> acquire() {
        return acquire(null, ResourceContext.GLOBAL);
    }

    @Override
    public Lease<R> acquire(Duration timeout) {
        return acquire(timeout, ResourceContext.GLOBAL);
    }

    @Override
    public HealthStatus check(CheckDepth depth) {
        return weave.observe(depth, () -> pool.check(depth));
    }

    @Override
    public String name() {
        return pool.name();
    }

    @Override
    public ResourceProvider<R> provider() {
        return pool.provider();
    }

    @Override
    public PoolConfig config() {
        return pool.config();
    }

    @Override
    public void start() {
        pool.start();
    }

    @Override
    public PoolSnapshot snapshot() {
        return pool.snapshot();
    }

    @Override
    public ResourceState state() {
        return pool.state();
    }

    @Override
    public Optional<Throwable> lastError() {
        return pool.lastError();
    }

    @Override
    public void resize(int minSize, int maxSize) {
        pool.resize(minSize, maxSize);
    }

    @Override
    public void drain(Duration grace) {
        try {
            pool.drain(grace);
        } finally {
            weave.close();
            forget.run();
        }
    }

    @Override
    public boolean reportError(Lease<R> lease, Throwable error) {
        return pool.reportError(lease, error);
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            weave.close();
            forget.run();
        }
    }

    @Override
    public String toString() {
        return pool.toString();
    }
}
