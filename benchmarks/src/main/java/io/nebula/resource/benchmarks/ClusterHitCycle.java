package io.nebula.resource.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.ClusterOverview;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Resources;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.OpenTelemetrySetup;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.cluster.redis.RedisClusterPermits;
import io.nebula.resource.core.cluster.ClusterNode;
import io.nebula.resource.core.cluster.ClusterQuota;
import io.nebula.resource.core.pipeline.WovenPool;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Suite cluster (issue #13): the pool-hit cycle with a cluster-wide limit counted on the local Redis (one node, Redis
 * db 12, flushed at setup) against the same cycle without it, on the path an application takes
 * ({@code resourcesAcquire}: {@code Resources.acquire} in a Weld SE container with the deployed defaults) and on core's
 * woven pool in plain Java ({@code woven}: {@code cluster.max-concurrent-leases=1000}, {@code cluster.batch=8}); with
 * the peers of {@link PoolHitCycle} (Stormpot, commons-pool2, HikariCP, Agroal) in the same run. Every pool has as many
 * instances as threads (run it with {@code -t 1}, {@code -t 4}, {@code -t 16} and {@code -p contention=UNCONTENDED}
 * for the peers), so every cycle is a hit. Each iteration of a cluster variant prints the Redis round trips per 1,000
 * acquisitions and the acquisitions admitted alone ({@code cluster: ...}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClusterHitCycle {

    static final String REDIS = "redis://127.0.0.1:6379/12";

    @Benchmark
    public Object woven(Pools state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        state.cycles.increment();
        return widget;
    }

    private static final PoolHitCycle PEERS = new PoolHitCycle();

    @Benchmark
    public Object stormpot(PoolHitCycle.StormpotPool state) throws InterruptedException {
        return PEERS.stormpot(state);
    }

    @Benchmark
    public Object commonsPool2(PoolHitCycle.CommonsPool2 state) throws Exception {
        return PEERS.commonsPool2(state);
    }

    @Benchmark
    public Object hikari(PoolHitCycle.HikariPool state) throws SQLException {
        return PEERS.hikari(state);
    }

    @Benchmark
    public Object agroal(PoolHitCycle.AgroalPool state) throws SQLException {
        return PEERS.agroal(state);
    }

    /** What an application does: {@code Resources.acquire} in a Weld SE container, the deployed defaults. */
    @Benchmark
    public Object resourcesAcquire(Application state) {
        Lease<Widget> lease = state.resources.acquire(Application.RESOURCE, Widget.class);
        Widget widget = lease.get();
        lease.close();
        state.cycles.increment();
        return widget;
    }

    /** The application bean: {@link Resources} injected, as application code has it. */
    @Dependent
    public static class Client {
        @Inject
        Resources resources;
    }

    /**
     * A Weld SE container with Nebula's extension and the OpenTelemetry SDK's metrics, the resource {@value #RESOURCE}
     * (kind {@code benchmark-widget}, as many instances as threads, warmed up, every other key at its deployed default) and, with
     * {@code cluster=on}, the node of a cluster: {@code nebula.cluster.resource} names a declared {@code redis}
     * resource on the local Redis (db 12, flushed at setup), node id {@code bench}, every {@code nebula.cluster.*} key
     * at its default, and {@code widgets} gets {@code cluster.max-concurrent-leases=1000} with the default batch. The
     * set-up fails unless the cluster's Redis shows this node holding permits of that limit (the cluster stage is in
     * the pipeline); each iteration prints the Redis round trips per 1,000 acquisitions, read from the SDK's
     * {@code nebula.cluster.redis.round.trips}.
     */
    @State(Scope.Benchmark)
    public static class Application {
        static final String RESOURCE = "widgets";

        @Param({"off", "on"})
        public String cluster;

        WeldContainer container;
        Resources resources;
        // a LongAdder: one AtomicLong every thread writes was a contention point of its own, on and off alike, that
        // held the 16-thread cycle without a cluster at a third of its speed
        final LongAdder cycles = new LongAdder();
        long tripsBefore;
        long aloneBefore;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            String size = String.valueOf(params.getThreads());
            Map<String, Map<String, String>> declared = new java.util.LinkedHashMap<>();
            Map<String, String> widgets = new java.util.LinkedHashMap<>(Map.of("kind", "benchmark-widget",
                    "pool.min-size", size, "pool.max-size", size, "pool.warmup", "eager"));
            if (cluster.equals("on")) {
                flush();
                declared.put("coordination", Map.of("kind", "redis", "url", REDIS));
                widgets.put("cluster.max-concurrent-leases", "1000");
                System.setProperty("nebula.cluster.resource", "coordination");
                System.setProperty("nebula.cluster.node-id", "bench");
            }
            declared.put(RESOURCE, widgets);
            container = Container.boot(declared, Client.class, OpenTelemetrySetup.Metrics.class);
            resources = container.select(Client.class).get().resources;
            Peers.fill("Nebula Resources.acquire, cluster " + cluster, params.getThreads(),
                    () -> resources.acquire(RESOURCE, Widget.class), Lease::close);
            if (cluster.equals("on")) {
                List<ClusterOverview.Usage> usage = container.select(ClusterOverview.class).get().usage();
                boolean holds = usage.stream().anyMatch(u -> u.resource().equals(RESOURCE) && u.tenant() == null
                        && u.byNode().getOrDefault("bench", 0) > 0);
                if (!holds) {
                    throw new IllegalStateException("cluster=on, but this node holds no permit of " + RESOURCE
                            + "'s cluster limit after " + size + " leases: " + usage);
                }
            } else if (container.select(ClusterOverview.class).isResolvable()) {
                throw new IllegalStateException("cluster=off, but the application is a node of a cluster");
            }
        }

        @Setup(Level.Iteration)
        public void count() {
            cycles.reset();
            OpenTelemetrySetup.exportMetricsNow();
            tripsBefore = OpenTelemetrySetup.clusterCount("nebula.cluster.redis.round.trips");
            aloneBefore = OpenTelemetrySetup.clusterCount("nebula.cluster.admitted.alone");
        }

        @TearDown(Level.Iteration)
        public void report() {
            if (cluster.equals("on")) {
                OpenTelemetrySetup.exportMetricsNow();
                long trips = OpenTelemetrySetup.clusterCount("nebula.cluster.redis.round.trips") - tripsBefore;
                long alone = OpenTelemetrySetup.clusterCount("nebula.cluster.admitted.alone") - aloneBefore;
                System.out.printf("cluster: %d acquisitions, %d Redis round trips, %.3f round trips per 1000,"
                        + " %d admitted alone%n", cycles.sum(), trips,
                        cycles.sum() == 0 ? 0.0 : trips * 1000.0 / cycles.sum(), alone);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            container.shutdown();
            System.clearProperty("nebula.cluster.resource");
            System.clearProperty("nebula.cluster.node-id");
        }
    }

    static void flush() {
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }

    @State(Scope.Benchmark)
    public static class Pools {
        @Param({"off", "on"})
        public String cluster;

        WovenPool<Widget> pool;
        ClusterNode node;
        java.util.concurrent.ScheduledExecutorService beat;
        long aloneBefore;
        // a LongAdder: one AtomicLong every thread writes was a contention point of its own, on and off alike, that
        // held the 16-thread cycle without a cluster at a third of its speed
        final LongAdder cycles = new LongAdder();
        long tripsBefore;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            String size = String.valueOf(params.getThreads());
            ResourceSettings settings = ResourceSettings.of("widgets", "benchmark-widget", Map.of(
                    "pool.min-size", size, "pool.max-size", size, "pool.warmup", "eager"));
            var b = WovenPool.builder(new WidgetProvider(), settings);
            if (cluster.equals("on")) {
                flush();
                node = new ClusterNode(new RedisClusterPermits(REDIS, "bench", Duration.ofSeconds(3),
                        Duration.ofMillis(50)), Duration.ofSeconds(3), System::currentTimeMillis);
                b.cluster(node.limits("widgets", new ClusterQuota(1000, 0, 0, 8)));
                beat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
                node.start(beat);
            }
            pool = b.build();
            pool.start();
            if (cluster.equals("on") != pool.stages().contains("cluster limits")) {
                throw new IllegalStateException("stages " + pool.stages() + " for cluster=" + cluster);
            }
        }

        @Setup(Level.Iteration)
        public void count() {
            cycles.reset();
            tripsBefore = node == null ? 0 : node.roundTrips();
            aloneBefore = node == null ? 0 : node.admittedAlone();
        }

        @TearDown(Level.Iteration)
        public void report() {
            if (node != null) {
                long trips = node.roundTrips() - tripsBefore;
                // round trips include the heartbeat's (one per second); "admitted alone" counts acquisitions made
                // while a Redis call had run past its 50 ms bound (the node counts alone until the next heartbeat)
                System.out.printf("cluster: %d acquisitions, %d Redis round trips, %.3f round trips per 1000,"
                        + " %d admitted alone%n", cycles.sum(), trips,
                        cycles.sum() == 0 ? 0.0 : trips * 1000.0 / cycles.sum(), node.admittedAlone() - aloneBefore);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
            if (node != null) {
                beat.shutdownNow();
                node.close();
            }
        }
    }
}
