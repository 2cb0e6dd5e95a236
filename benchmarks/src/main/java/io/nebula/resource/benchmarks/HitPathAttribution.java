package io.nebula.resource.benchmarks;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.core.ResourcePool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Where the core pool's hit cycle spends its time, measured rather than guessed (a sampling profiler
 * cannot see {@code System.nanoTime}): the same uncontended cycle with the pool's clock replaced by a
 * constant (every read of the clock removed), the idle structure the pool uses ({@link ConcurrentLinkedDeque}
 * as a stack) on its own, and one read of the clock. Run with {@code -t 1} and {@code -t 4}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HitPathAttribution {

    @Benchmark
    public Object coreCycle(Core state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    @Benchmark
    public Object coreCycleWithoutClock(CoreWithoutClock state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    @Benchmark
    public Object idleStackCycle(IdleStack state) {
        Widget widget = state.idle.pollFirst();
        state.idle.offerFirst(widget);
        return widget;
    }

    @Benchmark
    public long clockRead() {
        return System.nanoTime();
    }

    /** The core pool as in the hit-cycle suite, one instance per thread. */
    @State(Scope.Benchmark)
    public static class Core {
        ResourcePool<Widget> pool;

        @Setup
        public void open(BenchmarkParams params) {
            pool = pool(params.getThreads(), false);
        }

        @TearDown
        public void close() {
            pool.close();
        }
    }

    /** The same with a clock that always says 0: no wait, hold, idle or lifetime is ever measured. */
    @State(Scope.Benchmark)
    public static class CoreWithoutClock {
        ResourcePool<Widget> pool;

        @Setup
        public void open(BenchmarkParams params) {
            pool = pool(params.getThreads(), true);
        }

        @TearDown
        public void close() {
            pool.close();
        }
    }

    /** A {@code ConcurrentLinkedDeque} holding one widget per thread, used as a stack like the pool's idle instances. */
    @State(Scope.Benchmark)
    public static class IdleStack {
        final ConcurrentLinkedDeque<Widget> idle = new ConcurrentLinkedDeque<>();

        @Setup
        public void fill(BenchmarkParams params) {
            for (int i = 0; i < params.getThreads(); i++) {
                idle.offerFirst(new Widget());
            }
        }
    }

    private static ResourcePool<Widget> pool(int size, boolean withoutClock) {
        WidgetProvider provider = new WidgetProvider();
        ResourcePool.Builder<Widget> builder = ResourcePool.builder(provider, ResourceSettings.of("widgets", provider.kind(),
                Map.of("pool.min-size", String.valueOf(size), "pool.max-size", String.valueOf(size))));
        if (withoutClock) {
            builder.ticker(() -> 0L);
        }
        ResourcePool<Widget> pool = builder.build();
        pool.start();
        List<Lease<Widget>> held = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            held.add(pool.acquire());
        }
        held.forEach(Lease::close);
        return pool;
    }
}
