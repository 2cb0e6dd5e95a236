package io.nebula.resource.core;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an instance observes of its backend by itself ({@code ResourceProvider.reportTo}: a shared client losing its
 * server and finding it again, with no acquisition to see it) moves its pool's lifecycle, and so readiness, at once:
 * on the thread that tells it, so that it is applied in the order it came with the acquisitions' outcomes.
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

    /** Each move of a pool's lifecycle, with the thread that made it. */
    private final List<String> moves = new CopyOnWriteArrayList<>();

    /** A pool on the shared creator threads: a move handed to them would show in {@link #moves}. */
    private ResourcePool<FakeProvider.Conn> pool(Reporting provider) {
        ResourcePool<FakeProvider.Conn> pool = ResourcePool.builder(provider, Pools.settings("cache"))
                .ticker(new FakeTicker()).listener(new PoolListener() {
                    @Override
                    public void onStateChange(String resource, ResourceState from, ResourceState to) {
                        moves.add(to + " on " + Thread.currentThread().getName());
                    }
                }).build();
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
        ResourcePool<FakeProvider.Conn> pool = pool(provider);
        BackendSignal signal = residentSignal(pool, provider);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);

        moves.clear();

        ConnectException lost = new ConnectException("connection lost");
        signal.unavailable(lost);

        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        assertThat(pool.lastError()).containsSame(lost);

        signal.available();

        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        String here = Thread.currentThread().getName();
        assertThat(moves).as("made by the thread that told, in the order told")
                .containsExactly("FAILED on " + here, "READY on " + here);
    }

    @Test
    void aDestroyedInstanceTellsNothing() {
        Reporting provider = new Reporting(Topology.POOLED);
        ResourcePool<FakeProvider.Conn> pool = pool(provider);
        FakeProvider.Conn instance;
        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            instance = lease.get();
            lease.invalidate();
        }
        await("destroyed").atMost(Duration.ofSeconds(5)).until(() -> provider.destroyed.contains(instance));

        provider.signals.get(instance).unavailable(new ConnectException("closed by its pool"));

        assertThat(pool.state()).as("the disconnection its own close caused is no news of the backend")
                .isEqualTo(ResourceState.READY);
    }

    @Test
    void aProviderThatThrowsFromReportToStillHasItsInstance() {
        Reporting provider = new Reporting(Topology.RESIDENT) {
            @Override
            public void reportTo(Conn instance, BackendSignal signal) {
                throw new IllegalStateException("no listener for this driver");
            }
        };
        ResourcePool<FakeProvider.Conn> pool = pool(provider);

        try (Lease<FakeProvider.Conn> lease = pool.acquire()) {
            assertThat(lease.get()).isNotNull();
        }
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }
}
