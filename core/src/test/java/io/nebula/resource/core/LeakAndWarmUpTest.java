package io.nebula.resource.core;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;

class LeakAndWarmUpTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    final RecordingListener events = new RecordingListener();

    @Test
    void aLeaseHeldPastTheThresholdIsReportedOnceWithWhereItWasAcquiredAndAgainWhenItComesBack() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.leak-threshold", "10s").listener(events).build();
        Lease<Conn> leaked = acquireSomewhereRecognisable(pool);
        ticker.advance(Duration.ofSeconds(9));
        Pools.housekeep(pool);
        assertThat(events.named("leak")).isEmpty();
        ticker.advance(Duration.ofSeconds(2));
        Pools.housekeep(pool);
        ticker.advance(Duration.ofSeconds(20));
        Pools.housekeep(pool);
        assertThat(events.named("leak")).containsExactly("leak 11s");
        assertThat(events.leakTraces).hasSize(1);
        assertThat(Arrays.stream(events.leakTraces.get(0).getStackTrace()).map(StackTraceElement::getMethodName))
                .contains("acquireSomewhereRecognisable");
        leaked.close();
        assertThat(events.named("leakReturned")).containsExactly("leakReturned 31s");
        pool.close();
    }

    private Lease<Conn> acquireSomewhereRecognisable(ResourcePool<Conn> pool) {
        return pool.acquire(Duration.ofSeconds(1), new ResourceContext("acme", "billing", "run-1", "charge"));
    }

    @Test
    void noStackTraceIsCapturedWhenLeakDetectionIsOff() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker).listener(events).build();
        PooledLease<Conn> lease = (PooledLease<Conn>) pool.acquire();
        assertThat(lease.acquiredTrace).isNull();
        ticker.advance(Duration.ofDays(1));
        Pools.housekeep(pool);
        assertThat(events.named("leak")).isEmpty();
        lease.close();
        pool.close();
    }

    @Test
    void lazyWarmUpCreatesNothingAtStart() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.min-size", "3").build();
        pool.start();
        assertThat(provider.creations).hasValue(0);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        Pools.housekeep(pool);
        assertThat(pool.snapshot().size()).as("the housekeeper fills up to the minimum").isEqualTo(3);
        pool.close();
    }

    @Test
    void eagerWarmUpCreatesTheMinimumBeforeStartReturnsWithBoundedParallelism() {
        provider.createMillis = 40;
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.min-size", "6",
                "pool.warmup", "eager", "pool.warmup-parallelism", "2")).build();
        pool.start();
        assertThat(pool.snapshot().idle()).isEqualTo(6);
        assertThat(provider.maxConcurrentCreations.get()).isBetween(1, 2);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        pool.close();
        assertThat(provider.live).hasValue(0);
    }

    @Test
    void onDemandCreationIsBoundedByTheSameParallelism() throws Exception {
        provider.createMillis = 30;
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("orders-db", "pool.max-size", "8",
                "pool.warmup-parallelism", "2")).build();
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(20))) {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertThat(provider.maxConcurrentCreations.get()).isBetween(1, 2);
        pool.close();
    }
}
