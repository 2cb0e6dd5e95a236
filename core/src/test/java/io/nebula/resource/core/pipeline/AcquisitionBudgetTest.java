package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 17, point 1: one acquisition lasts at most its budget ({@code pool.acquire-timeout}), its attempts and the
 * retry's waits included, also when what is acquired is handed out by the instance itself (a data source's
 * {@code getConnection()}), which waits on its own. On the pool's clock, which only the fake backend moves: each
 * attempt takes the time it says.
 */
class AcquisitionBudgetTest {

    private static final Duration BUDGET = Duration.ofSeconds(2);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<WovenPool<?>> pools = new ArrayList<>();

    private <R> WovenPool<R> pool(ResourceProvider<R> provider, String... keyValues) {
        Map<String, String> keys = new HashMap<>(Map.of("health.interval", "0", "pool.acquire-timeout", "2s",
                "retry.max-retries", "5", "retry.delay", "1ms", "retry.max-delay", "1ms", "retry.jitter", "0",
                "circuit-breaker.enabled", "false"));
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        WovenPool<R> pool = WovenPool.builder(provider, ResourceSettings.of("ledger", "fake", keys)).ticker(now::get).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
    }

    private Duration elapsedSince(long start) {
        return Duration.ofNanos(now.get() - start);
    }

    @Test
    void aRetriedHandOutIsToldWhatIsLeftOfTheBudgetAndTheCallEndsWithinIt() {
        DataSourceLike provider = new DataSourceLike(Duration.ofMillis(300));
        DataSourceLike.Source source = shared(pool(provider));

        long start = now.get();
        assertThatThrownBy(source::connect).isInstanceOf(AcquisitionTimeoutException.class);

        assertThat(provider.given).as("the first attempt has the whole budget, the retry what the first left")
                .containsExactly(null, BUDGET.minusMillis(300));
        assertThat(elapsedSince(start)).as("the retry waited for a free connection only as long as it was told")
                .isEqualTo(BUDGET);
    }

    @Test
    void aSlowlyRefusedHandOutIsRetriedUntilTheBudgetIsSpentTheLastAttemptToldTheRest() {
        DataSourceLike provider = new DataSourceLike(Duration.ofMillis(700));
        provider.refusing = true; // each attempt: 700 ms to be refused, or what it was told when less
        DataSourceLike.Source source = shared(pool(provider));

        long start = now.get();
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class).hasMessage("connection refused");

        assertThat(provider.given).as("five retries allowed; the budget has room for two")
                .containsExactly(null, BUDGET.minusMillis(700), BUDGET.minusMillis(1400));
        assertThat(elapsedSince(start)).isEqualTo(BUDGET);
    }

    /** The pool's shared instance, its hand-out behind the pool's pipeline; the lease taken for it is given back. */
    private static DataSourceLike.Source shared(WovenPool<DataSourceLike.Source> pool) {
        try (Lease<DataSourceLike.Source> lease = pool.acquire()) {
            return pool.handingOut(lease.get(), () -> ResourceContext.GLOBAL);
        }
    }

    /**
     * A resident source that hands out sessions itself, as a JDBC data source does. Its first attempt (every attempt
     * when {@link #refusing}) is refused after {@code attempt}, or after what it was told when that is less; later
     * ones wait for a free session as long as they are told, or the source's own timeout (the budget, as Agroal's is
     * {@code pool.acquire-timeout}), and find none.
     */
    final class DataSourceLike implements ResourceProvider<DataSourceLike.Source> {

        final List<Duration> given = Collections.synchronizedList(new ArrayList<>());
        private final Duration attempt;
        volatile boolean refusing;

        DataSourceLike(Duration attempt) {
            this.attempt = attempt;
        }

        final class Source {
            private volatile HandOutPipeline.Gate<String> gate = () -> open(null);

            String connect() throws Exception {
                return gate.get();
            }

            private String open(Duration within) throws Exception {
                given.add(within);
                if (refusing || given.size() == 1) {
                    now.addAndGet((within != null && within.compareTo(attempt) < 0 ? within : attempt).toNanos());
                    throw new ConnectException("connection refused");
                }
                now.addAndGet((within != null ? within : BUDGET).toNanos()); // every session is in use
                throw new AcquisitionTimeoutException("ledger", AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 0,
                        "no session became free", null);
            }
        }

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Class<Source> type() {
            return Source.class;
        }

        @Override
        public Topology topology() {
            return Topology.RESIDENT;
        }

        @Override
        public Source create(ResourceSettings settings) {
            return new Source();
        }

        @Override
        public void handOutThrough(Source instance, HandOutPipeline pipeline) {
            instance.gate = pipeline.bounded(instance::open);
        }

        @Override
        public HealthStatus check(Source instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(Source instance) {
        }
    }
}
