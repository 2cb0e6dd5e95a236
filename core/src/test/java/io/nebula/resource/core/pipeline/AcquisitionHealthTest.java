package io.nebula.resource.core.pipeline;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real acquisitions move a pool's health at once, with no scheduled check (every pool here has
 * {@code health.interval=0}): a backend failure or an open circuit fails the pool, the first success makes it ready.
 */
class AcquisitionHealthTest {

    private final List<WovenPool<?>> pools = new ArrayList<>();

    private <R> WovenPool<R> pool(ResourceProvider<R> provider, Map<String, String> keys) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("health.interval", "0", "retry.max-retries", "0"));
        all.putAll(keys);
        WovenPool<R> pool = WovenPool.builder(provider, ResourceSettings.of("ledger", "fake", all)).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
    }

    @Test
    void aHandOutThatFindsTheBackendDownFailsThePoolAtOnceWithTheDriversError() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of("circuit-breaker.enabled", "false"));
        HandingOut.Source source = shared(pool);
        assertThat(source.connect()).isEqualTo("session");
        assertThat(pool.state()).isEqualTo(ResourceState.READY);

        provider.down = true;
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);

        assertThat(pool.state()).as("the shared instance is still there: only the hand-out told").isEqualTo(ResourceState.FAILED);
        assertThat(pool.lastError()).hasValueSatisfying(e -> assertThat(e).hasMessage("connection refused"));

        provider.down = false;
        assertThat(source.connect()).isEqualTo("session");
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }

    @Test
    void aRetriedHandOutFailsThePoolAtItsFirstFailedAttemptNotAfterItsRetries() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of("circuit-breaker.enabled", "false",
                "retry.max-retries", "2", "retry.delay", "10ms", "retry.jitter", "0ms"));
        HandingOut.Source source = shared(pool);
        List<ResourceState> atEachAttempt = new java.util.concurrent.CopyOnWriteArrayList<>();
        provider.beforeOpen = () -> atEachAttempt.add(pool.state());
        provider.down = true;

        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);

        assertThat(atEachAttempt).as("the pool's state as each attempt began")
                .containsExactly(ResourceState.READY, ResourceState.FAILED, ResourceState.FAILED);
    }

    @Test
    void theFirstSuccessfulAcquisitionEndsAFailureAScheduledCheckFound() {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of());
        shared(pool);
        provider.down = true;
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);

        provider.down = false;
        pool.acquire().close(); // the shared instance: no creation, no check

        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }

    @Test
    void anOpeningCircuitFailsThePoolWithItsRefusal() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of("circuit-breaker.request-volume-threshold", "1",
                "circuit-breaker.failure-ratio", "1", "circuit-breaker.delay", "1m"));
        HandingOut.Source source = shared(pool);
        provider.down = true;
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);

        assertThat(pool.circuit().orElseThrow().describe()).isEqualTo("open");
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        assertThat(pool.lastError()).hasValueSatisfying(e -> assertThat(e).isInstanceOf(ConnectException.class));
        assertThatThrownBy(source::connect).isInstanceOf(CircuitOpenException.class);
        assertThat(pool.lastError()).hasValueSatisfying(e -> assertThat(e).isInstanceOf(CircuitOpenException.class));
    }

    @Test
    void anAcquisitionThatBeginsWhileTheBackendIsKnownDownMakesOneAttemptAndIsNotRetried() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of("circuit-breaker.enabled", "false",
                "retry.max-retries", "3", "retry.delay", "10ms", "retry.jitter", "0"));
        HandingOut.Source source = shared(pool);
        provider.down = true;

        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(provider.attempts.getAndSet(0)).as("from a ready pool: the attempt and its three retries").isEqualTo(4);
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);

        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(provider.attempts.getAndSet(0)).as("known down: one attempt, its error at once").isEqualTo(1);

        provider.down = false;
        assertThat(source.connect()).as("that one attempt finds the backend back").isEqualTo("session");
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        provider.down = true;
        provider.attempts.set(0);
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(provider.attempts.get()).as("ready again: retried again").isEqualTo(4);
    }

    @Test
    void aFailedAttemptMovesReadinessButTakesNoRetriesFromOthersUntilItsWholeAcquisitionFailed() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of("circuit-breaker.enabled", "false",
                "retry.max-retries", "1", "retry.delay", "10ms", "retry.jitter", "0"));
        HandingOut.Source source = shared(pool);
        provider.down = true;
        java.util.List<Object> duringTheRetry = new ArrayList<>();
        provider.beforeOpen = () -> {
            if (provider.attempts.get() == 1) { // the retry, after the first attempt failed
                duringTheRetry.add(pool.state());
                duringTheRetry.add(pool.weave().health().backendDown());
            }
        };

        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);

        assertThat(duringTheRetry).as("readiness DOWN at the first failed attempt; a caller beginning then keeps its retries")
                .containsExactly(ResourceState.FAILED, false);
        assertThat(pool.weave().health().backendDown()).as("once the whole acquisition failed").isTrue();
    }

    @Test
    void aBackendOnlyACheckFoundDownKeepsTheRetriesOfTheNextCaller() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of("circuit-breaker.enabled", "false",
                "retry.max-retries", "3", "retry.delay", "10ms", "retry.jitter", "0"));
        HandingOut.Source source = shared(pool);
        provider.down = true;
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);

        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(provider.attempts.getAndSet(0)).as("a check's finding: the caller's retries still run").isEqualTo(4);
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(provider.attempts.getAndSet(0)).as("an acquisition's finding: one attempt").isEqualTo(1);

        provider.down = false;
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
        provider.down = true;
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(provider.attempts.get()).as("back, then found down by a check again: retried").isEqualTo(4);
    }

    @Test
    void admittingAnActionToAFailedHandOutPoolDoesNotTellReadinessTheBackendAnswered() throws Exception {
        HandingOut provider = new HandingOut();
        WovenPool<HandingOut.Source> pool = pool(provider, Map.of());
        HandingOut.Source source = shared(pool);
        provider.down = true;
        assertThatThrownBy(source::connect).isInstanceOf(ConnectException.class);
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);

        pool.admit(ResourceContext.GLOBAL);

        assertThat(pool.state()).as("nobody asked the backend").isEqualTo(ResourceState.FAILED);
        provider.down = false;
        assertThat(source.connect()).isEqualTo("session");
        assertThat(pool.state()).as("the hand-out that asked it").isEqualTo(ResourceState.READY);
    }

    @Test
    void aBusyPoolSaysNothingAboutTheBackend() {
        Backend backend = new Backend();
        WovenPool<Backend.Session> pool = pool(backend, Map.of("pool.max-size", "1"));
        try (Lease<Backend.Session> held = pool.acquire()) {
            assertThatThrownBy(() -> pool.acquire(java.time.Duration.ofMillis(5), ResourceContext.GLOBAL))
                    .isInstanceOf(io.nebula.resource.AcquisitionTimeoutException.class);
        }
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
    }

    /** The pool's shared instance, its hand-out behind the pool's pipeline; the lease taken for it is given back. */
    private static HandingOut.Source shared(WovenPool<HandingOut.Source> pool) {
        try (Lease<HandingOut.Source> lease = pool.acquire()) {
            return pool.handingOut(lease.get(), () -> ResourceContext.GLOBAL);
        }
    }

    /** A resident source that hands out sessions itself, through the pool's pipeline: a data source's shape. */
    static final class HandingOut implements ResourceProvider<HandingOut.Source> {

        volatile boolean down;
        volatile Runnable beforeOpen = () -> { };
        final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

        final class Source {
            private volatile HandOutPipeline.Gate<String> gate = this::open;

            String connect() throws Exception {
                return gate.get();
            }

            private String open() throws ConnectException {
                beforeOpen.run();
                attempts.incrementAndGet();
                if (down) {
                    throw new ConnectException("connection refused");
                }
                return "session";
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
            instance.gate = pipeline.around(instance::open);
        }

        @Override
        public HealthStatus check(Source instance, CheckDepth depth) {
            return down ? HealthStatus.down("backend down") : HealthStatus.up();
        }

        @Override
        public void destroy(Source instance) {
        }
    }
}
