package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.testing.FaultProxy;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.metrics.MetricRegistryProducer;
import io.smallrye.metrics.SharedMetricRegistries;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The known-down gate through the CDI extension on Weld SE, against the real Redis (db {@value #DB}, which no other
 * test uses, so its channel {@code nebula:cluster:gate:14} is this test's own): two containers in one JVM, nodes
 * {@code a} and {@code b} with the same configuration but their id and the way to the backend of the
 * {@code redis-dedicated} resource {@code store} (a's through a {@link FaultProxy}), its circuit breaker opening at
 * the first failure. When a finds the backend down, b refuses {@code store} at once, naming a, within a second; when
 * it returns, one probe brings both back.
 */
class GateOnWeldTest {

    static final int DB = 14;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String CHANNEL = "nebula:cluster:gate:" + DB;

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void flush() {
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb(); // no probe claim left by an earlier run
    }

    @AfterEach
    void close() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
        admin.close();
        redis.shutdown();
    }

    private Map<String, String> config(String node, String storeUrl) {
        Map<String, String> c = new HashMap<>();
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", REDIS);
        c.put("nebula.resource.store.kind", "redis-dedicated");
        c.put("nebula.resource.store.url", storeUrl);
        c.put("nebula.resource.store.pool.min-size", "0");
        c.put("nebula.resource.store.pool.acquire-timeout", "1s");
        c.put("nebula.resource.store.retry.max-retries", "0");
        c.put("nebula.resource.store.circuit-breaker.request-volume-threshold", "1");
        c.put("nebula.resource.store.circuit-breaker.failure-ratio", "1");
        c.put("nebula.resource.store.circuit-breaker.delay", "1m"); // a's circuit half-opens by the gate, not by time
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.node-id", node);
        c.put("nebula.cluster.redis-timeout", "500ms");
        // well above the second the signal may take on a loaded machine: until then b is refused, not b the probe
        c.put("nebula.cluster.probe-interval", "2s");
        return c;
    }

    private WeldContainer node(Map<String, String> config) {
        SmallRyeConfig cfg = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(config, "node", 100)).build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // none registered yet
        }
        resolver.registerConfig(cfg, loader);
        WeldContainer container = NebulaWeld.container(MetricRegistryProducer.class)
                .containerId("gate-" + config.get("nebula.cluster.node-id")).initialize();
        open.push(container::shutdown);
        return container;
    }

    private static void acquire(WeldContainer node) {
        try (Lease<?> l = node.select(Resources.class).get().acquire("store", StatefulRedisConnection.class)) {
            assertThat(l).isNotNull();
        }
    }

    private static boolean serves(WeldContainer node) {
        try {
            acquire(node);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code nebula.cluster.gate} of {@code store}: both nodes share the JVM's registry, where a's gauge, registered
     * first, is kept (b's is refused as a duplicate, NEBULA-3302).
     */
    private static int gateGauge() {
        MetricRegistry registry = SharedMetricRegistries.getOrCreate(MetricRegistry.APPLICATION_SCOPE);
        var g = registry.getGauges().get(new MetricID("nebula.cluster.gate", new Tag("resource", "store"),
                new Tag("tenant", "none")));
        assertThat(g).as("nebula.cluster.gate in " + registry.getGauges().keySet()).isNotNull();
        return ((Number) g.getValue()).intValue();
    }

    @Test
    void aBackendNodeAFindsDownIsRefusedByNodeBWithinASecondNamingAAndOneProbeBringsBothBack() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        open.push(proxy);
        WeldContainer a = node(config("a", "redis://" + proxy.host() + ":" + proxy.port() + "/" + DB));
        WeldContainer b = node(config("b", REDIS));
        acquire(b);
        // both nodes subscribe on their heartbeat's thread after deployment: the signal must find them listening
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.sync().pubsubNumsub(CHANNEL).get(CHANNEL) == 2L);

        proxy.down(); // the backend, as node a sees it
        assertThatThrownBy(() -> acquire(a)).as("a's first failure opens its circuit")
                .isNotInstanceOf(CircuitOpenException.class);
        long opened = System.nanoTime(); // a's circuit opened at the end of that acquisition
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> {
            try {
                acquire(b);
                return false; // the signal has not arrived yet: b's backend answers
            } catch (CircuitOpenException e) {
                assertThat(e.seenBy()).isEqualTo("a");
                return true;
            }
        });
        System.out.println("b refused store " + Duration.ofNanos(System.nanoTime() - opened).toMillis()
                + " ms after a's circuit opened");
        assertThatThrownBy(() -> acquire(b)).isInstanceOfSatisfying(CircuitOpenException.class,
                e -> assertThat(e.seenBy()).isEqualTo("a"));

        assertThat(gateGauge()).as("nebula.cluster.gate, open").isEqualTo(2);

        proxy.up();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> serves(a) && serves(b));
        assertThat(gateGauge()).as("nebula.cluster.gate, closed").isZero();
    }
}
