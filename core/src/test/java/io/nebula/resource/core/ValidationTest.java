package io.nebula.resource.core;

import io.nebula.resource.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;

class ValidationTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    final RecordingListener events = new RecordingListener();
    ResourcePool<Conn> pool;

    @AfterEach
    void close() {
        pool.drain(Duration.ZERO);
    }

    @Test
    void anInstanceIdleForLessThanTheBypassWindowIsNotChecked() {
        pool = Pools.direct(provider, ticker, "pool.validation-bypass", "500ms").build();
        pool.acquire().close();
        ticker.advance(Duration.ofMillis(400));
        pool.acquire().close();
        assertThat(provider.checked).isEmpty();
        ticker.advance(Duration.ofMillis(600));
        pool.acquire().close();
        assertThat(provider.checked).hasSize(1);
    }

    @Test
    void aBrokenIdleInstanceIsDestroyedOnBorrowAndTheCallerGetsAGoodOne() {
        pool = Pools.direct(provider, ticker, "pool.validation-bypass", "500ms").listener(events).build();
        Lease<Conn> l = pool.acquire();
        Conn broken = l.get();
        l.close();
        broken.broken = true;
        ticker.advance(Duration.ofSeconds(1));
        try (Lease<Conn> again = pool.acquire()) {
            assertThat(again.get()).isNotSameAs(broken);
            assertThat(again.get().broken).isFalse();
        }
        assertThat(broken.destroyed).isTrue();
        assertThat(events.evictions).containsExactly(EvictionReason.INVALID);
        assertThat(events.named("validation")).containsExactly("validation false");
    }

    @Test
    void keepAliveChecksIdleInstancesWithJitterAndReplacesBrokenOnes() {
        pool = Pools.direct(provider, ticker, "pool.keepalive-interval", "60s", "pool.min-size", "2",
                "pool.warmup", "eager").listener(events).build();
        pool.start();
        Conn[] conns = provider.created.toArray(new Conn[0]);
        ticker.advance(Duration.ofSeconds(53)); // 60 s minus at most 10 %: nothing is due yet
        Pools.housekeep(pool);
        assertThat(provider.checked).isEmpty();
        conns[0].broken = true;
        ticker.advance(Duration.ofSeconds(8));
        Pools.housekeep(pool);
        assertThat(provider.checked).containsExactlyInAnyOrder(conns);
        assertThat(conns[0].destroyed).isTrue();
        assertThat(conns[1].destroyed).isFalse();
        assertThat(pool.snapshot().size()).as("refilled to the minimum").isEqualTo(2);
        assertThat(pool.snapshot().idle()).isEqualTo(2);
        assertThat(events.evictions).containsExactly(EvictionReason.INVALID);
    }

    @Test
    void keepAliveDeadlinesAreSpreadByJitter() {
        pool = Pools.direct(provider, ticker, "pool.keepalive-interval", "100s", "pool.max-size", "20").build();
        @SuppressWarnings("unchecked")
        Lease<Conn>[] leases = new Lease[20];
        for (int i = 0; i < 20; i++) {
            leases[i] = pool.acquire();
        }
        for (Lease<Conn> l : leases) {
            l.close();
        }
        var slots = ((PooledResourcePool<Conn>) pool).slots();
        long created = slots.get(0).createdAt;
        assertThat(slots).allSatisfy(s -> assertThat(s.nextKeepalive - created)
                .isBetween(Duration.ofSeconds(90).toNanos(), Duration.ofSeconds(100).toNanos()));
        assertThat(slots.stream().mapToLong(s -> s.nextKeepalive).distinct().count()).isGreaterThan(10);
    }

    @Test
    void anInvalidatedLeaseDestroysItsInstanceAndTheMinimumIsRestored() {
        pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.warmup", "eager").listener(events).build();
        pool.start();
        Lease<Conn> l = pool.acquire();
        Conn c = l.get();
        l.invalidate();
        assertThat(c.destroyed).isTrue();
        assertThat(events.evictions).containsExactly(EvictionReason.FATAL);
        assertThat(events.named("release")).containsExactly("release 0ms invalidated");
        assertThat(pool.snapshot().size()).isEqualTo(1);
        assertThat(provider.live).hasValue(1);
    }

    @Test
    void anInstanceThatCannotBeRecycledIsDestroyed() {
        pool = Pools.direct(provider, ticker).listener(events).build();
        Lease<Conn> l = pool.acquire();
        provider.recyclable = false;
        l.close();
        assertThat(l.isOpen()).isFalse();
        assertThat(provider.destroyed).hasSize(1);
        assertThat(pool.snapshot().size()).isZero();
        assertThat(events.evictions).containsExactly(EvictionReason.INVALID);
    }

    @Test
    void anErrorTheProviderCallsFatalDiscardsTheInstance() {
        FakeProvider strict = new FakeProvider() {
            @Override
            public boolean isFatal(Throwable error) {
                return error instanceof java.io.EOFException;
            }
        };
        pool = Pools.direct(strict, ticker).listener(events).build();
        Lease<Conn> l = pool.acquire();
        assertThat(pool.reportError(l, new IllegalArgumentException("bad query"))).isFalse();
        assertThat(l.isOpen()).isTrue();
        assertThat(pool.reportError(l, new java.io.EOFException("connection reset"))).isTrue();
        assertThat(l.isOpen()).isFalse();
        assertThat(strict.destroyed).hasSize(1);
        assertThat(events.evictions).containsExactly(EvictionReason.FATAL);
    }

    @Test
    void anInstanceUnderAHealthCheckCountsAsIdleNotAsALease() {
        pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.warmup", "eager").build();
        pool.start();
        java.util.concurrent.atomic.AtomicReference<io.nebula.resource.PoolSnapshot> during = new java.util.concurrent.atomic.AtomicReference<>();
        provider.duringCheck = () -> during.set(pool.snapshot());
        pool.check(io.nebula.resource.spi.CheckDepth.SHALLOW);
        assertThat(during.get().active()).as("no application holds a lease while the check runs").isZero();
        assertThat(during.get().idle()).isEqualTo(1);
    }
}
