package io.nebula.resource.core;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ResizeTest {

    final FakeProvider provider = new FakeProvider();
    /** The waiter's own thread, not the common pool's, which may have only one, busy elsewhere. */
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void growingServesAWaiterWithANewInstance() throws Exception {
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "1")).build();
        Lease<Conn> out = pool.acquire();
        CompletableFuture<Conn> waiter = CompletableFuture.supplyAsync(() -> {
            try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(20))) {
                return l.get();
            }
        }, threads);
        await().until(() -> pool.snapshot().pending() == 1);
        pool.resize(0, 2);
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isNotSameAs(out.get());
        assertThat(pool.config().maxSize()).isEqualTo(2);
        out.close();
        pool.close();
    }

    @Test
    void shrinkingLetsIdleInstancesGoAtOnceAndLeasedOnesWhenTheyComeBack() {
        ResourcePool<Conn> pool = Pools.direct(provider, new FakeTicker(), "pool.max-size", "4").build();
        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leases.add(pool.acquire());
        }
        leases.get(0).close();
        leases.get(1).close();
        pool.resize(0, 1);
        assertThat(provider.destroyed).hasSize(2); // both idle ones; the leased two stay with their holders
        assertThat(pool.snapshot().size()).isEqualTo(2);
        leases.get(2).close();
        leases.get(3).close();
        assertThat(pool.snapshot().size()).isEqualTo(1);
        assertThat(provider.live).hasValue(1);
        pool.close();
    }

    @Test
    void invalidSizesAreRejectedNamingTheKeys() {
        ResourcePool<Conn> pool = Pools.direct(provider, new FakeTicker()).build();
        assertThatThrownBy(() -> pool.resize(5, 2)).isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.orders-db.pool.min-size: must not exceed nebula.resource.orders-db.pool.max-size (2), was 5");
        assertThat(pool.config().maxSize()).isEqualTo(10);
        pool.close();
    }

    @Test
    void aBoundedPoolChangesItsCap() {
        FakeProvider bounded = new FakeProvider(Topology.BOUNDED);
        ResourcePool<Conn> pool = Pools.direct(bounded, new FakeTicker(), "pool.max-size", "1").build();
        Lease<Conn> a = pool.acquire();
        pool.resize(0, 2);
        Lease<Conn> b = pool.acquire(Duration.ZERO);
        a.close();
        b.close();
        pool.resize(0, 1);
        Lease<Conn> c = pool.acquire(Duration.ZERO);
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).hasMessageContaining("pool exhausted");
        c.close();
        pool.close();
    }
}
