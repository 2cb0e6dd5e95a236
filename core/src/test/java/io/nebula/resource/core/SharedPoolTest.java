package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.Lease;
import io.nebula.resource.LeaseClosedException;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedPoolTest {

    final FakeTicker ticker = new FakeTicker();

    @Test
    void residentSharesOneInstanceAmongAnyNumberOfLeases() {
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.max-size", "1").build();
        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            leases.add(pool.acquire(Duration.ZERO));
        }
        assertThat(leases).extracting(Lease::get).containsOnly(leases.get(0).get());
        assertThat(pool.snapshot().active()).isEqualTo(50);
        assertThat(provider.creations).hasValue(1);
        leases.forEach(Lease::close);
        assertThatThrownBy(() -> leases.get(0).get()).isInstanceOf(LeaseClosedException.class);
        pool.close();
        assertThat(provider.destroyed).containsExactlyElementsOf(provider.created);
        assertThat(provider.shutdowns).hasValue(1);
    }

    @Test
    void boundedCapsConcurrentLeasesAndServesWaitersInOrder() throws Exception {
        FakeProvider provider = new FakeProvider(Topology.BOUNDED);
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("api", "pool.max-size", "2")).build();
        Lease<Conn> a = pool.acquire();
        Lease<Conn> b = pool.acquire();
        assertThat(a.get()).isSameAs(b.get());
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED))
                .hasMessageContaining("2 of 2 in use");
        CountDownLatch got = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(20))) {
                got.countDown();
            }
        });
        t.start();
        assertThat(got.await(200, TimeUnit.MILLISECONDS)).isFalse();
        a.close();
        assertThat(got.await(20, TimeUnit.SECONDS)).isTrue();
        t.join();
        b.close();
        pool.close();
        assertThat(provider.destroyed).hasSize(1);
    }

    @Test
    void invalidatingASharedLeaseReplacesTheInstanceOnceItsLeasesAreBack() {
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        ResourcePool<Conn> pool = Pools.direct(provider, ticker).build();
        Lease<Conn> a = pool.acquire();
        Lease<Conn> b = pool.acquire();
        Conn first = a.get();
        a.invalidate();
        assertThat(first.destroyed).as("b still uses it").isFalse();
        Lease<Conn> c = pool.acquire();
        assertThat(c.get()).isNotSameAs(first);
        b.close();
        assertThat(first.destroyed).isTrue();
        c.close();
        pool.close();
        assertThat(provider.live).hasValue(0);
    }

    @Test
    void aBoundedInstanceIsReplacedAtItsMaxLifetimeWithoutDisturbingItsLeases() {
        FakeProvider provider = new FakeProvider(Topology.BOUNDED);
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.max-lifetime", "30m",
                "pool.keepalive-interval", "0").build();
        Lease<Conn> old = pool.acquire();
        ticker.advance(Duration.ofMinutes(31));
        Pools.housekeep(pool);
        assertThat(old.get().destroyed).isFalse();
        Lease<Conn> fresh = pool.acquire();
        assertThat(fresh.get()).isNotSameAs(old.get());
        Conn first = old.get();
        old.close();
        assertThat(first.destroyed).isTrue();
        fresh.close();
        pool.close();
        assertThat(provider.live).hasValue(0);
    }

    @Test
    void aBoundedInstanceFailingKeepAliveIsReplaced() {
        FakeProvider provider = new FakeProvider(Topology.BOUNDED);
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.keepalive-interval", "1m",
                "pool.warmup", "eager").build();
        pool.start();
        Conn first = provider.created.iterator().next();
        first.broken = true;
        ticker.advance(Duration.ofMinutes(2));
        Pools.housekeep(pool);
        assertThat(first.destroyed).isTrue();
        Pools.housekeep(pool); // eager: the housekeeper brings the shared instance back
        try (Lease<Conn> l = pool.acquire(Duration.ZERO)) {
            assertThat(l.get()).isNotSameAs(first);
        }
        assertThat(provider.creations).hasValue(2);
        pool.close();
    }

    @Test
    void aResidentInstanceFailingItsChecksIsKeptAndTheResourceRecoversWithIt() {
        // an injected DataSource or Redis connection is held by the application: replacing it would
        // leave the holders with a closed instance once the backend is back
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.keepalive-interval", "1m",
                "pool.warmup", "eager").build();
        pool.start();
        Conn first = provider.created.iterator().next();
        first.broken = true;
        ticker.advance(Duration.ofMinutes(2));
        Pools.housekeep(pool);
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        assertThat(first.destroyed).isFalse();
        first.broken = false; // the backend is back; the client reconnected by itself
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        try (Lease<Conn> l = pool.acquire(Duration.ZERO)) {
            assertThat(l.get()).isSameAs(first);
        }
        assertThat(provider.creations).hasValue(1);
        pool.close();
    }

    @Test
    void aResidentInstanceLeavesLifetimeAndLeaksToItsOwnPool() {
        // e.g. an Agroal DataSource: pool.max-lifetime and pool.leak-threshold are its per-connection settings
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        RecordingListener events = new RecordingListener();
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.max-lifetime", "30m",
                "pool.leak-threshold", "5s", "pool.keepalive-interval", "0").listener(events).build();
        Lease<Conn> held = pool.acquire();
        ticker.advance(Duration.ofMinutes(31));
        Pools.housekeep(pool);
        try (Lease<Conn> again = pool.acquire()) {
            assertThat(again.get()).isSameAs(held.get());
        }
        assertThat(events.named("leak")).isEmpty();
        assertThat(provider.creations).hasValue(1);
        held.close();
        pool.close();
    }

    @Test
    void sharedLeasesAreWatchedForLeaks() {
        FakeProvider provider = new FakeProvider(Topology.BOUNDED);
        RecordingListener events = new RecordingListener();
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.leak-threshold", "5s").listener(events).build();
        Lease<Conn> l = pool.acquire();
        ticker.advance(Duration.ofSeconds(6));
        Pools.housekeep(pool);
        Pools.housekeep(pool);
        assertThat(events.named("leak ")).containsExactly("leak 6s");
        l.close();
        assertThat(events.named("leakReturned")).containsExactly("leakReturned 6s");
        pool.close();
    }

    @Test
    void residentEndpointsShareLeasesByWeight() {
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.strategy", "weighted-round-robin",
                "pool.endpoints", "east:2,west:1").build();
        java.util.Map<String, Integer> served = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
            try (Lease<Conn> l = pool.acquire()) {
                served.merge(l.get().endpoint, 1, Integer::sum);
            }
        }
        assertThat(served).containsEntry("east", 200).containsEntry("west", 100);
        assertThat(provider.creations).hasValue(2);
        pool.close();
    }
}
