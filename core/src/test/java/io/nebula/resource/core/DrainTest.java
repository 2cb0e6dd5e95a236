package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Lease;
import io.nebula.resource.LeaseClosedException;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DrainTest {

    final FakeProvider provider = new FakeProvider();
    /**
     * A thread of its own for each task: a drain and an acquirer blocked on the same pool must not queue behind
     * each other, as they do on CompletableFuture's default executor where the common pool has one thread
     * (two cores, Java 25).
     */
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private ResourcePool<Conn> pool(FakeProvider p, String... kv) {
        return ResourcePool.builder(p, Pools.settings("orders-db", kv)).build();
    }

    @Test
    void drainWaitsForLeasesWithinTheGraceThenDestroysEverythingAndShutsTheProviderDownOnce() throws Exception {
        ResourcePool<Conn> pool = pool(provider, "pool.max-size", "3");
        Lease<Conn> out = pool.acquire();
        pool.acquire().close();
        Lease<Conn> other = pool.acquire();
        other.close();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> pool.drain(Duration.ofSeconds(20)), threads);
        await().until(() -> pool.state() == ResourceState.DRAINING);
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.POOL_DRAINING))
                .hasMessageContaining("draining");
        assertThat(out.get().destroyed).as("a lease within the grace keeps working").isFalse();
        out.close();
        drained.get(20, TimeUnit.SECONDS);
        assertThat(pool.state()).isEqualTo(ResourceState.TERMINATED);
        assertThat(provider.destroyed).containsExactlyInAnyOrderElementsOf(provider.created);
        assertThat(provider.shutdowns).hasValue(1);
        pool.close(); // idempotent
        pool.drain(Duration.ZERO);
        assertThat(provider.shutdowns).hasValue(1);
        assertThatThrownBy(pool::acquire).isInstanceOf(ResourceClosedException.class);
    }

    @Test
    void leasesStillOutAfterTheGraceAreRevoked() {
        ResourcePool<Conn> pool = pool(provider);
        Lease<Conn> out = pool.acquire();
        pool.drain(Duration.ofMillis(50));
        assertThat(provider.destroyed).hasSize(1);
        assertThatThrownBy(out::get).isInstanceOf(LeaseClosedException.class);
        out.close(); // harmless
        assertThat(provider.live).hasValue(0);
    }

    @Test
    void waitersAreToldTheyWillNotBeServed() throws Exception {
        ResourcePool<Conn> pool = pool(provider, "pool.max-size", "1");
        Lease<Conn> out = pool.acquire();
        CompletableFuture<Reason> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                pool.acquire(Duration.ofSeconds(20)).close();
                return null;
            } catch (AcquisitionTimeoutException e) {
                return e.reason();
            }
        }, threads);
        await().until(() -> pool.snapshot().pending() == 1);
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> pool.drain(Duration.ofSeconds(20)), threads);
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isEqualTo(Reason.POOL_DRAINING);
        out.close();
        drained.get(20, TimeUnit.SECONDS);
        assertThat(provider.live).hasValue(0);
    }

    @Test
    void aConcurrentSecondDrainReturnsOnlyOnceThePoolIsTerminated() throws Exception {
        ResourcePool<Conn> pool = pool(provider);
        Lease<Conn> out = pool.acquire();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> pool.drain(Duration.ofSeconds(20)), threads);
        await().until(() -> pool.state() == ResourceState.DRAINING);
        AtomicReference<Thread> closer = new AtomicReference<>();
        CompletableFuture<ResourceState> second = CompletableFuture.supplyAsync(() -> {
            closer.set(Thread.currentThread());
            pool.close();
            return pool.state();
        }, threads);
        await().until(() -> second.isDone() || parked(closer.get()));
        assertThat(second).as("the second drain waits for the first").isNotDone();
        out.close();
        assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo(ResourceState.TERMINATED);
        first.get(20, TimeUnit.SECONDS);
    }

    private static boolean parked(Thread t) {
        return t != null && t.getState() == Thread.State.WAITING;
    }

    @Test
    void aBoundedPoolDrainsAndWakesItsWaiters() throws Exception {
        FakeProvider bounded = new FakeProvider(Topology.BOUNDED);
        ResourcePool<Conn> pool = pool(bounded, "pool.max-size", "1");
        Lease<Conn> out = pool.acquire();
        CompletableFuture<Reason> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                pool.acquire(Duration.ofSeconds(20)).close();
                return null;
            } catch (AcquisitionTimeoutException e) {
                return e.reason();
            }
        }, threads);
        await().until(() -> pool.snapshot().pending() == 1);
        pool.drain(Duration.ofMillis(100));
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isEqualTo(Reason.POOL_DRAINING);
        assertThatThrownBy(out::get).isInstanceOf(LeaseClosedException.class);
        assertThat(bounded.live).hasValue(0);
        assertThat(bounded.shutdowns).hasValue(1);
    }

    @Test
    void closingAPoolThatNeverStartedIsFine() {
        ResourcePool<Conn> pool = pool(provider);
        pool.close();
        assertThat(pool.state()).isEqualTo(ResourceState.TERMINATED);
        assertThat(provider.creations).hasValue(0);
        assertThat(provider.shutdowns).hasValue(1);
    }
}
