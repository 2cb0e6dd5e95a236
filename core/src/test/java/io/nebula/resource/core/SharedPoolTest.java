package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
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
}
