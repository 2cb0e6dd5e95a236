package io.nebula.resource.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.cluster.redis.RedisClusterPermits;
import io.nebula.resource.core.cluster.ClusterNode;
import io.nebula.resource.core.cluster.ClusterQuota;
import io.nebula.resource.core.pipeline.WovenPool;
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

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Suite cluster (issue #13): core's woven pool-hit cycle with a cluster-wide limit counted on the local Redis
 * ({@code cluster.max-concurrent-leases=1000}, {@code cluster.batch=8}, one node, Redis db 12, flushed at setup) against
 * the same pool without it. Run with {@code -t 1}, {@code -t 4}, {@code -t 16}; the pool has 16 instances. At
 * teardown it prints the Redis round trips per 1,000 acquisitions ({@code cluster: ... round trips per 1000}).
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
        state.cycles.incrementAndGet();
        return widget;
    }

    @State(Scope.Benchmark)
    public static class Pools {
        @Param({"off", "on"})
        public String cluster;

        WovenPool<Widget> pool;
        ClusterNode node;
        java.util.concurrent.ScheduledExecutorService beat;
        long aloneBefore;
        final AtomicLong cycles = new AtomicLong();
        long tripsBefore;

        @Setup(Level.Trial)
        public void open() {
            ResourceSettings settings = ResourceSettings.of("widgets", "benchmark-widget", Map.of(
                    "pool.min-size", "16", "pool.max-size", "16", "pool.warmup", "eager"));
            var b = WovenPool.builder(new WidgetProvider(), settings);
            if (cluster.equals("on")) {
                RedisClient client = RedisClient.create(REDIS);
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    c.sync().flushdb();
                } finally {
                    client.shutdown();
                }
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
            cycles.set(0);
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
                        + " %d admitted alone%n", cycles.get(), trips,
                        cycles.get() == 0 ? 0.0 : trips * 1000.0 / cycles.get(), node.admittedAlone() - aloneBefore);
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
