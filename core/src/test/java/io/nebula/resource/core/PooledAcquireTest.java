package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.LeaseClosedException;
import io.nebula.resource.ResourceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PooledAcquireTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    ResourcePool<Conn> pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.drain(Duration.ZERO);
        }
    }

    @Test
    void aReturnedInstanceIsReusedAndTheLeaseIsDeadAfterClose() {
        pool = Pools.direct(provider, ticker, "pool.max-size", "2").build();
        Lease<Conn> first = pool.acquire();
        Conn c = first.get();
        first.close();
        assertThatThrownBy(first::get).isInstanceOf(LeaseClosedException.class).hasMessageContaining("orders-db");
        assertThat(first.isOpen()).isFalse();
        first.close(); // idempotent

        try (Lease<Conn> second = pool.acquire()) {
            assertThat(second.get()).isSameAs(c);
            assertThat(second.resource()).isEqualTo("orders-db");
        }
        assertThat(provider.creations).hasValue(1);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }

    @Test
    void anOldLeaseStaysClosedWhenItsInstanceGoesToSomeoneElse() {
        pool = Pools.direct(provider, ticker, "pool.max-size", "1").build();
        Lease<Conn> old = pool.acquire();
        old.close();
        Lease<Conn> fresh = pool.acquire();
        assertThatThrownBy(old::get).isInstanceOf(LeaseClosedException.class);
        old.close(); // must not return the instance a second time
        assertThat(fresh.get()).isNotNull();
        assertThat(pool.snapshot().active()).isEqualTo(1);
        fresh.close();
    }

    @Test
    void failFastWhenExhaustedSaysSo() {
        pool = Pools.direct(provider, ticker, "pool.max-size", "1").build();
        Lease<Conn> held = pool.acquire();
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED))
                .hasMessage("NEBULA-0101 Could not acquire 'orders-db' at once: pool exhausted (1 of 1 in use, 0 waiting);"
                        + " raise nebula.resource.orders-db.pool.max-size or nebula.resource.orders-db.pool.acquire-timeout,"
                        + " or return leases sooner");
        held.close();
    }

    @Test
    void failFastStillCreatesWhenThereIsRoom() {
        pool = Pools.direct(provider, ticker, "pool.max-size", "2").build();
        Lease<Conn> a = pool.acquire(Duration.ZERO);
        Lease<Conn> b = pool.acquire(Duration.ZERO);
        assertThat(a.get()).isNotSameAs(b.get());
        a.close();
        b.close();
    }

    @Test
    void aTimeoutWhileANewInstanceIsBeingCreatedSaysSoRatherThanExhausted() {
        provider.createMillis = 2_000; // the backend is slow to connect; the caller waits 50 ms
        pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "10")).build();
        assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(50)))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED))
                .hasMessageStartingWith("NEBULA-0101 Could not acquire 'orders-db' within 50 ms: no instance was free"
                        + " (0 of 10 in use, 0 waiting) and a new one was not ready in time")
                .hasMessageContaining("orders-db.pool.acquire-timeout")
                .hasMessageNotContaining("pool.max-size");
    }

    @Test
    void aTimeoutSaysHowLongAndHowBusy() {
        pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "1")).build();
        Lease<Conn> held = pool.acquire();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(100)))
                .isInstanceOf(AcquisitionTimeoutException.class)
                .hasMessageStartingWith("NEBULA-0101 Could not acquire 'orders-db' within 100 ms: pool exhausted (1 of 1 in use, 0 waiting)");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        held.close();
    }

    @Test
    void waitersAreServedInArrivalOrderByDirectHandoff() throws Exception {
        pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "1")).build();
        Lease<Conn> held = pool.acquire();
        List<Integer> served = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(20))) {
                    served.add(n);
                }
            });
            t.start();
            threads.add(t);
            await().until(() -> pool.snapshot().pending() == n + 1); // arrival order is 0, 1, 2
        }
        held.close();
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertThat(served).containsExactly(0, 1, 2);
        assertThat(provider.creations).hasValue(1);
    }

    @Test
    void anArrivalQueuesBehindWaitersInsteadOfOvertakingThem() throws Exception {
        pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "1")).build();
        Lease<Conn> held = pool.acquire();
        CountDownLatch got = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(20))) {
                got.countDown();
            }
        });
        waiter.start();
        await().until(() -> pool.snapshot().pending() == 1);
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(AcquisitionTimeoutException.class)
                .hasMessageContaining("1 waiting");
        held.close();
        assertThat(got.await(20, TimeUnit.SECONDS)).isTrue();
        waiter.join();
    }

    @Test
    void growsOnDemandUpToMaxAndNoFurther() {
        pool = Pools.direct(provider, ticker, "pool.max-size", "3").build();
        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            leases.add(pool.acquire(Duration.ZERO));
        }
        assertThat(pool.snapshot().size()).isEqualTo(3);
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(AcquisitionTimeoutException.class);
        assertThat(provider.maxLive).hasValue(3);
        leases.forEach(Lease::close);
        assertThat(pool.snapshot().idle()).isEqualTo(3);
        assertThat(pool.snapshot().active()).isZero();
    }

    @Test
    void anInterruptedWaiterLeavesWithTheInterruptKept() throws Exception {
        pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "1")).build();
        Lease<Conn> held = pool.acquire();
        java.util.concurrent.CompletableFuture<String> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                pool.acquire(Duration.ofSeconds(20)).close();
                outcome.complete("served");
            } catch (io.nebula.resource.ResourceException e) {
                outcome.complete(e.getMessage() + " interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        await().until(() -> pool.snapshot().pending() == 1);
        t.interrupt();
        assertThat(outcome.get(20, TimeUnit.SECONDS))
                .isEqualTo("NEBULA-0104 Acquisition of 'orders-db' was interrupted interrupted=true");
        assertThat(pool.snapshot().pending()).isZero();
        held.close();
        assertThat(pool.snapshot().idle()).as("the instance went back to the pool, not to the departed waiter").isEqualTo(1);
    }
}
