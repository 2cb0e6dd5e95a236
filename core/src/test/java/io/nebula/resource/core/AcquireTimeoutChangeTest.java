package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code pool.acquire-timeout} changed on a live pool ({@link ResourcePool#acquireTimeout}): a wait that begins after
 * the change lasts the new value; a wait already under way keeps the budget it began with. On the fake clock: a
 * waiter parks at most what is left of its budget and then reads the clock again, so only {@link FakeTicker#advance}
 * ends a wait.
 */
class AcquireTimeoutChangeTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    /** The waiters' own threads, not the common pool's, which may have only one, busy elsewhere. */
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aWaitBegunAfterTheChangeLastsTheNewTimeoutAndOneAlreadyWaitingKeepsItsOwn() throws Exception {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.max-size", "1", "pool.acquire-timeout", "1h")
                .build();
        Lease<Conn> held = pool.acquire();
        Conn only = held.get();
        CompletableFuture<Conn> before = waiter(pool);
        await().until(() -> pool.snapshot().pending() == 1);

        pool.acquireTimeout(Duration.ofMillis(100));

        assertThat(pool.config().acquireTimeout()).isEqualTo(Duration.ofMillis(100));
        CompletableFuture<Conn> after = waiter(pool);
        await().until(() -> pool.snapshot().pending() == 2);
        ticker.advance(Duration.ofMillis(150)); // past the new timeout, far within the old hour
        assertThatThrownBy(() -> after.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AcquisitionTimeoutException.class)
                .hasMessageStartingWith("NEBULA-0101 Could not acquire 'orders-db' within 100 ms: pool exhausted");
        assertThat(before).isNotDone(); // it began waiting for an hour, and waits on
        held.close();
        assertThat(before.get(20, TimeUnit.SECONDS)).isSameAs(only);
        pool.close();
    }

    @Test
    void zeroFailsAtOnceFromTheChangeOn() throws Exception {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.max-size", "1", "pool.acquire-timeout", "1h")
                .build();
        Lease<Conn> held = pool.acquire();

        pool.acquireTimeout(Duration.ZERO);

        CompletableFuture<Conn> now = waiter(pool); // on a thread: with the old hour it would wait on the fake clock
        assertThatThrownBy(() -> now.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AcquisitionTimeoutException.class)
                .hasMessageStartingWith("NEBULA-0101 Could not acquire 'orders-db' at once");
        held.close();
        pool.close();
    }

    private CompletableFuture<Conn> waiter(ResourcePool<Conn> pool) {
        return CompletableFuture.supplyAsync(() -> {
            try (Lease<Conn> l = pool.acquire()) {
                return l.get();
            }
        }, threads);
    }
}
