package io.nebula.resource.core;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an instance observes of its backend by itself ({@code ResourceProvider.reportTo}: a shared client losing its
 * server and finding it again, with no acquisition to see it) moves its pool's lifecycle, and so readiness, at once.
 */
class InstanceSignalsTest {

    /** A fake provider that keeps the signal given to each instance, as a driver's listener would. */
    static class Reporting extends FakeProvider {
        final Map<Conn, BackendSignal> signals = new ConcurrentHashMap<>();

        Reporting(Topology topology) {
            super(topology);
        }

        @Override
        public void reportTo(Conn instance, BackendSignal signal) {
            signals.put(instance, signal);
        }
    }

    private final List<ResourcePool<?>> pools = new ArrayList<>();

    private ResourcePool<FakeProvider.Conn> pool(Reporting provider, Executor io) {
        ResourcePool<FakeProvider.Conn> pool = ResourcePool.builder(provider, Pools.settings("cache"))
                .ticker(new FakeTicker()).creator(io).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(ResourcePool::close);
    }

    /** The one instance of a resident pool, made by a first lease, and its signal. */
    private static BackendSignal residentSignal(ResourcePool<FakeProvider.Conn> pool, Reporting provider) {
        FakeProvider.Conn instance;
        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            instance = lease.get();
        }
        assertThat(provider.signals).containsKey(instance);
        return provider.signals.get(instance);
    }

    @Test
    void aSharedInstanceThatLosesItsBackendFailsThePoolAndItsReturnReadiesIt() {
        Reporting provider = new Reporting(Topology.RESIDENT);
        ResourcePool<FakeProvider.Conn> pool = pool(provider, Runnable::run);
        BackendSignal signal = residentSignal(pool, provider);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);

        ConnectException lost = new ConnectException("connection lost");
        signal.unavailable(lost);

        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        assertThat(pool.lastError()).containsSame(lost);

        signal.available();

        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }

    @Test
    void aDestroyedInstanceTellsNothing() {
        Reporting provider = new Reporting(Topology.POOLED);
        ResourcePool<FakeProvider.Conn> pool = pool(provider, Runnable::run);
        FakeProvider.Conn instance;
        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            instance = lease.get();
            lease.invalidate();
        }
        assertThat(provider.destroyed).contains(instance);

        provider.signals.get(instance).unavailable(new ConnectException("closed by its pool"));

        assertThat(pool.state()).as("the disconnection its own close caused is no news of the backend")
                .isEqualTo(ResourceState.READY);
    }

    @Test
    void newsAppliedOutOfOrderLeavesThePoolAsTheLatestSaid() {
        List<Runnable> io = new CopyOnWriteArrayList<>(); // the pool's I/O executor, run by hand
        Reporting provider = new Reporting(Topology.RESIDENT);
        ResourcePool<FakeProvider.Conn> pool = pool(provider, io::add);
        BackendSignal signal = residentSignal(pool, provider);

        signal.unavailable(new ConnectException("connection lost"));
        signal.available();
        assertThat(pool.state()).as("moved on the pool's I/O threads, not the driver's").isEqualTo(ResourceState.READY);
        assertThat(io).hasSize(2);

        io.get(1).run(); // the return's task first...
        io.get(0).run(); // ...then the loss's, which finds the return the latest news

        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }

    @Test
    void aProviderThatThrowsFromReportToStillHasItsInstance() {
        Reporting provider = new Reporting(Topology.RESIDENT) {
            @Override
            public void reportTo(Conn instance, BackendSignal signal) {
                throw new IllegalStateException("no listener for this driver");
            }
        };
        ResourcePool<FakeProvider.Conn> pool = pool(provider, Runnable::run);

        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            assertThat(lease.get()).isNotNull();
        }
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }
}
