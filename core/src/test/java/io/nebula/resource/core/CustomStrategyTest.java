package io.nebula.resource.core;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.Lease;
import io.nebula.resource.spi.IdleInstances;
import io.nebula.resource.spi.PoolSizing;
import io.nebula.resource.spi.PoolStrategy;
import io.nebula.resource.spi.PooledInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A strategy of the application's, written here and installed the way an application installs one
 * (src/test/resources/META-INF/services/io.nebula.resource.spi.PoolStrategy), named in {@code pool.strategy}.
 */
class CustomStrategyTest {

    /**
     * Hands out the youngest idle instance, lets the youngest go first when the pool shrinks, and keeps
     * {@link #target} instances ready: none of it what a built-in strategy does, so a test sees whose decision it was.
     */
    public static final class YoungestFirst implements PoolStrategy {

        static final Set<String> SERVED = ConcurrentHashMap.newKeySet();
        static final List<Long> WINDOWS = new CopyOnWriteArrayList<>();
        static volatile int target;

        private static final Comparator<PooledInstance> YOUNGEST_FIRST =
                Comparator.comparingLong(PooledInstance::createdAt).reversed();

        @Override
        public String name() {
            return "youngest-first";
        }

        @Override
        public <I extends PooledInstance> IdleInstances<I> idleInstances(Pool pool, List<I> instances) {
            SERVED.add(pool.resource());
            return new IdleInstances<>() {
                @Override
                public I next() {
                    I youngest = null;
                    for (I i : instances) {
                        if (i.isIdle() && (youngest == null || i.createdAt() - youngest.createdAt() > 0)) {
                            youngest = i;
                        }
                    }
                    return youngest;
                }

                @Override
                public void returned(I instance) {
                    // found by its state
                }

                @Override
                public void removed(I instance) {
                    // found by its state
                }
            };
        }

        @Override
        public Comparator<PooledInstance> shrinkOrder() {
            return YOUNGEST_FIRST;
        }

        @Override
        public PoolSizing sizing(Pool pool) {
            return new PoolSizing() {
                @Override
                public void window(long lengthNanos, int waiting, int minSize, int maxSize) {
                    WINDOWS.add(lengthNanos);
                }

                @Override
                public int target() {
                    return target;
                }
            };
        }
    }

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    ResourcePool<Conn> pool;

    @AfterEach
    void close() {
        YoungestFirst.target = 0;
        if (pool != null) {
            pool.drain(Duration.ZERO);
        }
    }

    /** Acquires three (created a, b, c, in that order), returns them in the order given. */
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
    void theApplicationsStrategyIsFoundByItsNameAndChoosesWhichIdleInstanceIsHandedOut() {
        assertThat(PoolConfig.from(Pools.settings("x", "pool.strategy", " Youngest-First ")).strategy())
                .as("found with ServiceLoader, by name, ignoring case").isInstanceOf(YoungestFirst.class);
        pool = Pools.direct(provider, ticker, "pool.strategy", "youngest-first").build();
        Conn[] c = threeReturnedInOrder(1, 2, 0);
        // lifo would give back c[0] (this thread's last return), fifo c[1] (the first returned)
        try (Lease<Conn> l = pool.acquire()) {
            assertThat(l.get()).isSameAs(c[2]);
        }
        try (Lease<Conn> first = pool.acquire(); Lease<Conn> second = pool.acquire()) {
            assertThat(first.get()).isSameAs(c[2]);
            assertThat(second.get()).as("the youngest still idle").isSameAs(c[1]);
        }
        assertThat(YoungestFirst.SERVED).contains("orders-db");
    }

    @Test
    void theApplicationsStrategySaysWhichIdleInstanceGoesFirstWhenThePoolShrinks() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "youngest-first").build();
        Conn[] c = threeReturnedInOrder(0, 1, 2);
        pool.resize(0, 1);
        assertThat(c[2].destroyed).isTrue();
        assertThat(c[1].destroyed).isTrue();
        assertThat(c[0].destroyed).as("the oldest stays, where a built-in strategy lets it go first").isFalse();
    }

    @Test
    void theApplicationsStrategySizesThePoolOncePerHousekeepingRound() {
        pool = Pools.direct(provider, ticker, "pool.strategy", "youngest-first", "pool.min-size", "0").build();
        pool.start();
        assertThat(pool.snapshot().size()).isZero();
        YoungestFirst.WINDOWS.clear();
        YoungestFirst.target = 2;
        ticker.advance(Duration.ofSeconds(30));
        Pools.housekeep(pool);
        assertThat(YoungestFirst.WINDOWS).containsExactly(Duration.ofSeconds(30).toNanos());
        assertThat(pool.snapshot().size()).as("created up to the strategy's target").isEqualTo(2);
    }

    @Test
    void anUnknownNameIsAProblemOfThePoolStrategyKeyListingTheKnownNames() {
        List<ConfigProblem> problems = PoolConfig.problems(Pools.settings("orders-db", "pool.strategy", "youngest"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.orders-db.pool.strategy");
            assertThat(p.message()).startsWith(
                    "must be one of lifo, fifo, lru, weighted-round-robin, adaptive, youngest-first, was 'youngest'");
        });
    }
}
