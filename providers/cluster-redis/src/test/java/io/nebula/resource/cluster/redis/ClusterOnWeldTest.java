package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.testing.FaultProxy;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.metrics.MetricRegistryProducer;
import io.smallrye.metrics.SharedMetricRegistries;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Cluster-wide limits through the CDI extension on Weld SE, against the real Redis (db {@value #DB}, which no other
 * test uses, flushed before each test): two containers in one JVM, each a node with the same configuration but its
 * own {@code nebula.cluster.node-id}, share {@code cluster.max-concurrent-leases} of the {@code redis-dedicated}
 * resource {@code store}; the permits are counted in the {@code redis} resource {@code coordination} that
 * {@code nebula.cluster.resource} names. With that Redis cut (a {@link FaultProxy}), each node serves under its
 * local limits and {@code nebula-resource:cluster} says DEGRADED, then UP once it answers again.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
class ClusterOnWeldTest {

    static final int DB = 13;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String LEASES = "nebula:cluster:store:leases";
    static final int LIMIT = 3;

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final List<Lease<?>> leases = new ArrayList<>();
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void flush() {
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
    }

    @AfterEach
    void close() throws Exception {
        for (Lease<?> l : leases) {
            l.close();
        }
        while (!open.isEmpty()) {
            open.pop().close();
        }
        admin.close();
        redis.shutdown();
    }

    /** The same configuration on every node but its id; {@code coordination} at {@code coordinationUrl}. */
    private Map<String, String> config(String node, String coordinationUrl, Duration redisTimeout) {
        Map<String, String> c = new HashMap<>();
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", coordinationUrl);
        c.put("nebula.resource.store.kind", "redis-dedicated");
        c.put("nebula.resource.store.url", REDIS);
        c.put("nebula.resource.store.pool.max-size", "4");
        c.put("nebula.resource.store.pool.acquire-timeout", "2s");
        c.put("nebula.resource.store.cluster.max-concurrent-leases", Integer.toString(LIMIT));
        c.put("nebula.resource.store.cluster.batch", "1");
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.node-id", node);
        c.put("nebula.cluster.heartbeat-ttl", "3s");
        c.put("nebula.cluster.redis-timeout", redisTimeout.toMillis() + "ms");
        return c;
    }

    /**
     * One node: a Weld container started with {@code config} as its MicroProfile Config. The extension reads the
     * configuration while the container starts; the next node's is registered for the thread's loader after it.
     */
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
        WeldContainer container = NebulaWeld.container(MetricRegistryProducer.class).containerId("node-" + config.get("nebula.cluster.node-id"))
                .initialize();
        open.push(container::shutdown);
        return container;
    }

    private Lease<?> acquire(WeldContainer node) {
        Lease<?> l = node.select(Resources.class).get().acquire("store", StatefulRedisConnection.class);
        leases.add(l);
        return l;
    }

    private void release(Lease<?> lease) {
        leases.remove(lease);
        lease.close();
    }

    private int heldInRedis() {
        return admin.sync().hgetall(LEASES).values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static HealthCheckResponse clusterHealth(WeldContainer node) {
        for (HealthCheck check : node.select(HealthCheck.class, Readiness.Literal.INSTANCE)) {
            HealthCheckResponse r = check.call();
            if (r.getName().equals("nebula-resource:cluster")) {
                return r;
            }
        }
        throw new AssertionError("no readiness check nebula-resource:cluster");
    }

    private static Object status(WeldContainer node) {
        return clusterHealth(node).getData().orElseThrow().get("status");
    }

    private static MetricRegistry metrics() {
        return SharedMetricRegistries.getOrCreate(MetricRegistry.APPLICATION_SCOPE);
    }

    private static Number gauge(String name, String node) {
        var g = metrics().getGauges().get(new MetricID(name, new Tag("node", node)));
        assertThat(g).as(name + " of node " + node + " in " + metrics().getGauges().keySet()).isNotNull();
        return g.getValue();
    }

    private static long denials() {
        Counter c = metrics().getCounters().get(new MetricID("nebula.cluster.denials", new Tag("resource", "store"),
                new Tag("limit", "cluster.max-concurrent-leases")));
        return c == null ? 0 : c.getCount();
    }

    @Test
    void twoNodesShareTheLeasesOfOneClusterWideLimit() {
        WeldContainer a = node(config("a", REDIS, Duration.ofSeconds(1)));
        WeldContainer b = node(config("b", REDIS, Duration.ofSeconds(1)));

        long deniedBefore = denials();
        Lease<?> a1 = acquire(a);
        acquire(a);
        acquire(b);
        assertThat(heldInRedis()).isEqualTo(LIMIT);
        assertThat(admin.sync().hgetall(LEASES)).containsOnlyKeys("a", "b");

        // the one over the limit, on either node, is refused at once, naming the limit
        assertThatThrownBy(() -> acquire(b)).isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("NEBULA-4603")
                .hasMessageContaining("cluster.max-concurrent-leases=" + LIMIT);
        assertThatThrownBy(() -> acquire(a)).isInstanceOf(QuotaExceededException.class)
                .satisfies(e -> assertThat(((QuotaExceededException) e).limit()).isEqualTo("cluster.max-concurrent-leases"));
        assertThat(heldInRedis()).isEqualTo(LIMIT);
        assertThat(denials()).as("nebula.cluster.denials").isEqualTo(deniedBefore + 2);

        // a's returned lease is b's once a's heartbeat gives its spare permit back
        release(a1);
        await().atMost(Duration.ofSeconds(5)).ignoreException(QuotaExceededException.class).until(() -> acquire(b) != null);
        assertThat(heldInRedis()).isLessThanOrEqualTo(LIMIT);
        assertThat(clusterHealth(a).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(status(a)).isEqualTo("UP");
        assertThat(clusterHealth(a).getData().orElseThrow()).containsEntry("node", "a");
    }

    @Test
    void withRedisCutEachNodeServesUnderItsLocalLimitsDegradedAndResumesTheClusterLimitsWhenItReturns() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        open.push(proxy);
        String viaProxy = "redis://" + proxy.host() + ":" + proxy.port() + "/" + DB;
        Duration timeout = Duration.ofMillis(500); // what a machine at load 10 answers within
        WeldContainer a = node(config("a", viaProxy, timeout));
        WeldContainer b = node(config("b", viaProxy, timeout));
        List<Lease<?>> warm = List.of(acquire(a), acquire(a), acquire(a)); // 3 idle connections, so what is timed
        warm.forEach(this::release);                                         // below is Redis, not connecting
        acquire(a);
        assertThat(status(a)).isEqualTo("UP");

        proxy.down();
        // pool hits, admitted alone: none waits on the cut Redis past its bound
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            acquire(a);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("acquisition %d with Redis cut", i)
                    .isLessThan(timeout.plusMillis(700));
        }
        acquire(a); // the fourth, over the cluster's 3 and within the pool's 4
        HealthCheckResponse degraded = clusterHealth(a);
        assertThat(degraded.getStatus()).as("DEGRADED is still ready").isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(degraded.getData().orElseThrow()).containsEntry("status", "DEGRADED")
                .hasEntrySatisfying("message", m -> assertThat((String) m).contains("node 'a' applies its local limits only"))
                .hasEntrySatisfying("admitted-alone", n -> assertThat(((Number) n).longValue()).isEqualTo(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> "DEGRADED".equals(status(b))); // b's heartbeat failed
        assertThat(gauge("nebula.cluster.degraded", "a").intValue()).isEqualTo(1);
        assertThat(gauge("nebula.cluster.admitted.alone", "a").longValue()).isEqualTo(3);
        assertThat(gauge("nebula.cluster.redis.failures", "a").longValue()).isPositive();
        assertThatThrownBy(() -> acquire(a)).as("pool.max-size still holds")
                .isInstanceOf(AcquisitionTimeoutException.class);

        proxy.up();
        await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status(a)) && "UP".equals(status(b)));
        assertThat(gauge("nebula.cluster.degraded", "a").intValue()).isZero();
        assertThat(metrics().getTimers().get(new MetricID("nebula.cluster.redis.duration", new Tag("node", "a")))
                .getCount()).as("each call to Redis timed").isPositive();
        // a told Redis the 4 leases it holds: the cluster is over its 3 until a gives back
        assertThat(admin.sync().hget(LEASES, "a")).isEqualTo("4");
        assertThatThrownBy(() -> acquire(b)).isInstanceOf(QuotaExceededException.class);
        for (Lease<?> l : new ArrayList<>(leases)) {
            release(l);
        }
        await().atMost(Duration.ofSeconds(5)).ignoreException(QuotaExceededException.class).until(() -> acquire(b) != null);
    }

    @Test
    void aNodeWhoseRedisIsDownAtStartDeploysAndCountsAlone() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        open.push(proxy);
        proxy.down();
        WeldContainer a = node(config("a", "redis://" + proxy.host() + ":" + proxy.port() + "/" + DB,
                Duration.ofMillis(500)));

        acquire(a);
        assertThat(status(a)).isEqualTo("DEGRADED");
        assertThat(clusterHealth(a).getData().orElseThrow()).containsEntry("admitted-alone", 1L);

        proxy.up();
        await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status(a)));
        assertThat(admin.sync().hget(LEASES, "a")).as("the lease admitted alone, told on return").isEqualTo("1");
    }
}
