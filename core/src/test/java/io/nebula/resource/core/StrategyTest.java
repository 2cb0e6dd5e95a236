package io.nebula.resource.core;

import io.nebula.resource.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;

class StrategyTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    ResourcePool<Conn> pool;

    @AfterEach
    void close() {
        pool.drain(Duration.ZERO);
    }

    /** Acquires three (created a, b, c), returns them in the order given. */
    private Conn[] threeReturnedInOrder(int... order) {
        @SuppressWarnings("unchecked")
        Lease<Conn>[] leases = new Lease[3];
        Conn[] conns = new Conn[3];
        for (int i = 0; i < 3; i++) {
            leases[i] = pool.acquire();
            conns[i] = leases[i].get();
            ticker.advance(Duration.ofMillis(10));
        }
        for (int i : order) {
            leases[i].close();
            ticker.advance(Duration.ofMillis(10));
        }
        return conns;
    }

    @Test
    void lifoHandsOutTheMostRecentlyReturned() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "lifo").build();
        Conn[] c = threeReturnedInOrder(0, 1, 2);
        try (Lease<Conn> l = pool.acquire()) {
            assertThat(l.get()).isSameAs(c[2]);
        }
    }

    @Test
    void lifoGivesAThreadBackTheInstanceItReturnedLastAndOthersTheOldestIdle() throws Exception {
        pool = Pools.direct(provider, ticker, "pool.strategy", "lifo").build();
        Lease<Conn> l0 = pool.acquire();
        Lease<Conn> l1 = pool.acquire();
        Lease<Conn> l2 = pool.acquire();
        Conn c0 = l0.get();
        Conn c1 = l1.get();
        Conn c2 = l2.get();
        l1.close(); // this thread's last return
        Thread other = new Thread(() -> {
            l0.close();
            l2.close(); // the most recent return of all, but by another thread
        });
        other.start();
        other.join();

        try (Lease<Conn> l = pool.acquire()) {
            assertThat(l.get()).as("this thread's own last instance").isSameAs(c1);
        }
        AtomicReference<Conn> seen = new AtomicReference<>();
        Thread fresh = new Thread(() -> {
            try (Lease<Conn> l = pool.acquire()) {
                seen.set(l.get());
            }
        });
        fresh.start();
        fresh.join();
        assertThat(seen.get()).as("a thread that returned nothing gets the oldest idle").isSameAs(c0);
        assertThat(c2).isNotSameAs(c0);
    }

    @Test
    void fifoHandsOutTheLeastRecentlyReturned() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "fifo").build();
        Conn[] c = threeReturnedInOrder(0, 1, 2);
        try (Lease<Conn> l = pool.acquire()) {
            assertThat(l.get()).isSameAs(c[0]);
        }
        // and keeps rotating: every instance gets used
        Map<Integer, Integer> uses = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            try (Lease<Conn> l = pool.acquire()) {
                uses.merge(l.get().id, 1, Integer::sum);
            }
        }
        assertThat(uses).containsValues(10, 10, 10);
    }

    @Test
    void lruShrinksTheLeastRecentlyUsedFirst() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "lru").build();
        Conn[] c = threeReturnedInOrder(1, 2, 0); // a is the most recently used
        pool.resize(0, 1);
        assertThat(c[1].destroyed).isTrue();
        assertThat(c[2].destroyed).isTrue();
        assertThat(c[0].destroyed).isFalse();
    }

    @Test
    void lifoShrinksTheOldestFirst() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "lifo").build();
        Conn[] c = threeReturnedInOrder(1, 2, 0);
        pool.resize(0, 1);
        assertThat(c[0].destroyed).isTrue();
        assertThat(c[1].destroyed).isTrue();
        assertThat(c[2].destroyed).as("the newest stays").isFalse();
    }

    @Test
    void weightedRoundRobinCreatesAndHandsOutInProportion() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "weighted-round-robin",
                "pool.endpoints", "primary:3,replica-1:1", "pool.min-size", "4", "pool.warmup", "eager",
                "url", "db://primary", "endpoints.replica-1.url", "db://replica-1").build();
        pool.start();
        assertThat(provider.created).extracting(x -> x.endpoint)
                .containsExactlyInAnyOrder("primary", "primary", "primary", "replica-1");
        assertThat(provider.created).allSatisfy(x -> assertThat(x.url).isEqualTo("db://" + x.endpoint));
        Map<String, Integer> served = new TreeMap<>();
        for (int i = 0; i < 400; i++) {
            try (Lease<Conn> l = pool.acquire()) {
                served.merge(l.get().endpoint, 1, Integer::sum);
            }
        }
        assertThat(served).containsEntry("primary", 300).containsEntry("replica-1", 100);
        assertThat(provider.creations).hasValue(4);
    }

    @Test
    void adaptiveSizingFollowsDemandAndShrinksAfterSustainedLowDemand() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "adaptive", "pool.min-size", "1", "pool.max-size", "20",
                "pool.adaptive.headroom", "1.25", "pool.adaptive.shrink-after", "3", "pool.idle-timeout", "0").build();
        pool.start();
        // one 30 s window: four leases out at all times (each held 1 s, 120 arrivals): demand L = λ·W = 4 · 1 = 4
        for (int round = 0; round < 30; round++) {
            @SuppressWarnings("unchecked")
            Lease<Conn>[] out = new Lease[4];
            for (int i = 0; i < 4; i++) {
                out[i] = pool.acquire();
            }
            ticker.advance(Duration.ofSeconds(1));
            for (Lease<Conn> l : out) {
                l.close();
            }
        }
        Pools.housekeep(pool);
        AdaptiveSizer sizer = ((PooledResourcePool<Conn>) pool).adaptive();
        assertThat(sizer.target()).isEqualTo(5); // ceil(4 × 1.25)
        assertThat(pool.snapshot().size()).as("created up to the target ahead of demand").isEqualTo(5);

        // two quiet windows are not enough to shrink ...
        for (int w = 0; w < 2; w++) {
            ticker.advance(Duration.ofSeconds(30));
            Pools.housekeep(pool);
        }
        assertThat(pool.snapshot().size()).isEqualTo(5);
        // ... the third is
        ticker.advance(Duration.ofSeconds(30));
        Pools.housekeep(pool);
        assertThat(sizer.target()).isEqualTo(1);
        assertThat(pool.snapshot().size()).isEqualTo(1);
    }
}
