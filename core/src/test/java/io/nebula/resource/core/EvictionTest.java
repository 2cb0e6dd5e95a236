package io.nebula.resource.core;

import io.nebula.resource.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;

class EvictionTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    final RecordingListener events = new RecordingListener();
    ResourcePool<Conn> pool;

    @AfterEach
    void close() {
        pool.drain(Duration.ZERO);
    }

    private void useAtOnce(int n) {
        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leases.add(pool.acquire());
        }
        leases.forEach(Lease::close);
    }

    @Test
    void idleInstancesAreEvictedAfterTheIdleTimeoutDownToTheMinimum() {
        pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.idle-timeout", "10m",
                "pool.keepalive-interval", "0").listener(events).build();
        pool.start();
        useAtOnce(3);
        ticker.advance(Duration.ofMinutes(9));
        Pools.housekeep(pool);
        assertThat(pool.snapshot().size()).isEqualTo(3);
        ticker.advance(Duration.ofMinutes(2));
        Pools.housekeep(pool);
        assertThat(pool.snapshot().size()).isEqualTo(1);
        assertThat(events.evictions).containsExactly(EvictionReason.IDLE_TIMEOUT, EvictionReason.IDLE_TIMEOUT);
        assertThat(provider.live).hasValue(1);
    }

    @Test
    void instancesAreRetiredAtMaxLifetimeWithJitterSoTheyDoNotAllExpireTogether() {
        pool = Pools.direct(provider, ticker, "pool.max-size", "20", "pool.max-lifetime", "40m",
                "pool.idle-timeout", "0", "pool.keepalive-interval", "0").listener(events).build();
        pool.start();
        useAtOnce(20);
        var slots = ((PooledResourcePool<Conn>) pool).slots();
        long created = slots.get(0).createdAt;
        assertThat(slots).allSatisfy(s -> assertThat(s.expiresAt - created)
                .isBetween(Duration.ofMinutes(39).toNanos(), Duration.ofMinutes(40).toNanos())); // at most 2.5 % early
        assertThat(slots.stream().mapToLong(s -> s.expiresAt).distinct().count()).isGreaterThan(10);

        ticker.advance(Duration.ofMinutes(39).minusSeconds(1));
        Pools.housekeep(pool);
        assertThat(provider.destroyed).isEmpty();
        ticker.advance(Duration.ofMinutes(1).plusSeconds(1));
        Pools.housekeep(pool);
        assertThat(provider.destroyed).hasSize(20);
        assertThat(events.evictions).hasSize(20).containsOnly(EvictionReason.MAX_LIFETIME);
    }

    @Test
    void aLeasedInstancePastItsLifetimeIsRetiredWhenItComesBack() {
        pool = Pools.direct(provider, ticker, "pool.max-lifetime", "30m", "pool.keepalive-interval", "0").build();
        Lease<Conn> l = pool.acquire();
        Conn old = l.get();
        ticker.advance(Duration.ofMinutes(31));
        Pools.housekeep(pool);
        assertThat(old.destroyed).as("never under its holder's feet").isFalse();
        l.close();
        assertThat(old.destroyed).isTrue();
        try (Lease<Conn> next = pool.acquire()) {
            assertThat(next.get()).isNotSameAs(old);
        }
    }

    @Test
    void aClockThatGoesBackwardsNeitherFreezesNorFloodsEviction() {
        pool = Pools.direct(provider, ticker, "pool.idle-timeout", "10m", "pool.keepalive-interval", "0").build();
        pool.start();
        Pools.housekeep(pool);
        useAtOnce(2);
        ticker.back(Duration.ofHours(1));
        Pools.housekeep(pool); // the jump is seen and the timestamps are rebased
        assertThat(pool.snapshot().size()).isEqualTo(2);
        ticker.advance(Duration.ofMinutes(9));
        Pools.housekeep(pool);
        assertThat(pool.snapshot().size()).isEqualTo(2);
        ticker.advance(Duration.ofMinutes(2));
        Pools.housekeep(pool);
        assertThat(pool.snapshot().size()).as("evicted 10 minutes after use, not 70").isZero();
    }

    @Test
    void aClockLeapForwardKeepsThePoolWorking() {
        pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.idle-timeout", "10m",
                "pool.keepalive-interval", "0").build();
        pool.start();
        Pools.housekeep(pool);
        useAtOnce(3);
        ticker.advance(Duration.ofDays(3));
        Pools.housekeep(pool);
        assertThat(pool.snapshot().size()).isEqualTo(1); // idle ones went, down to the minimum
        try (Lease<Conn> l = pool.acquire(Duration.ZERO)) {
            assertThat(l.get().destroyed).isFalse();
        }
    }
}
