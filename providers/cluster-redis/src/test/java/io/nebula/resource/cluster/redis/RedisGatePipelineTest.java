package io.nebula.resource.cluster.redis;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes' pools of one resource in one JVM, each with its own gate on its own Lettuce connections to the local
 * Redis: a backend that one node finds down is refused by the other within a second, and one probe brings both back.
 */
class RedisGatePipelineTest {

    /** The backend both nodes use: it can be taken down. */
    static final class Db implements ResourceProvider<Object> {
        volatile boolean down;

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Class<Object> type() {
            return Object.class;
        }

        @Override
        public Object create(ResourceSettings settings) throws Exception {
            if (down) {
                throw new ConnectException("connection refused");
            }
            return new Object();
        }

        @Override
        public HealthStatus check(Object instance, CheckDepth depth) {
            return down ? HealthStatus.down("down") : HealthStatus.up();
        }

        @Override
        public void destroy(Object instance) {
        }
    }

    private final String channel = "nebula:cluster:gate:test:" + UUID.randomUUID();
    private final Db db = new Db();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, ClusterGate> gates = new java.util.HashMap<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private WovenPool<Object> node(String id) {
        ClusterGate gate = new ClusterGate(new RedisClusterSignals(RedisClusterSignalsTest.URL, id,
                Duration.ofMillis(500), channel), Duration.ofSeconds(3),
                // a probe interval well above the 1 s the signal may take: b's next acquisition is then refused, not the
                // next probe (a's opening holds the claim for one interval)
                Duration.ofSeconds(2), System::currentTimeMillis);
        open.add(gate);
        gates.put(id, gate);
        assertThat(gate.subscribe()).isTrue();
        WovenPool<Object> pool = WovenPool.builder(db, ResourceSettings.of("ledger-" + channel.hashCode(), "fake",
                Map.of("retry.max-retries", "0", "pool.acquire-timeout", "50ms", "pool.min-size", "0",
                        "pool.backoff-initial", "10ms", "pool.backoff-max", "10ms",
                        "circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                        "circuit-breaker.delay", "1m")))
                .creator(Runnable::run).gate(gate.resource("ledger-" + channel.hashCode())).build();
        open.add(pool::close);
        pool.start();
        return pool;
    }

    private static boolean serves(WovenPool<Object> pool) {
        try {
            pool.acquire(null, ResourceContext.GLOBAL).close();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void aBackendOneNodeFindsDownIsRefusedByTheOtherWithinASecondAndOneProbeBringsBothBack() {
        WovenPool<Object> a = node("a");
        WovenPool<Object> b = node("b");
        assertThat(serves(b)).isTrue();
        db.down = true;

        long start = System.nanoTime(); // an upper bound: a's circuit opens at the end of this failing acquisition
        assertThatThrownBy(() -> a.acquire(null, ResourceContext.GLOBAL)).isInstanceOf(AcquisitionTimeoutException.class);
        // b does not acquire meanwhile: its own failure would open its own circuit, and its refusals would be its own
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> gates.get("b").resource("ledger-" + channel.hashCode()).open() != null);
        java.time.Instant learnedAt = java.time.Instant.now();
        Duration learned = Duration.ofNanos(System.nanoTime() - start);
        // a's circuit opened a minute (its delay) before its next probe
        java.time.Instant openedAt = a.circuit().orElseThrow().nextProbe().minus(Duration.ofMinutes(1));
        Duration propagation = Duration.between(openedAt, learnedAt);
        System.out.println("b learned the backend a found down " + propagation.toMillis() + " ms after a's circuit opened ("
                + learned.toMillis() + " ms after a's failing acquisition began)");
        assertThat(propagation).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> b.acquire(null, ResourceContext.GLOBAL))
                .isInstanceOfSatisfying(CircuitOpenException.class, e -> assertThat(e.seenBy()).isEqualTo("a"));

        db.down = false;
        start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> serves(b) && serves(a));
        System.out.println("both nodes served again " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms after the backend returned");
    }
}
