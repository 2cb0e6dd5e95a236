package io.nebula.resource.benchmarks;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.benchmarks.nebula.MeteringListener;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.core.PoolListener;
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
import java.util.concurrent.TimeUnit;

/**
 * Where the core pool's hit cycle spends its time, measured rather than guessed (a sampling profiler
 * cannot see {@code System.nanoTime}): the uncontended cycle with no listener, with the metering listener of
 * the hit-cycle suite, and with the pool's clock replaced by a constant (every clock read removed, the
 * coarse one included); the metering listener's own work (its four {@code LongAdder} updates) called
 * directly; and one read of the precise clock. Run with {@code -t 1} and {@code -t 4}.
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
    public Object coreCycleMetered(CoreMetered state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    /** What the metering listener does per cycle, without a pool: an acquisition and a release reported. */
    @Benchmark
    public long meteringListenerAlone(Metering state) {
        state.listener.onAcquire("widgets", null, 0);
        state.listener.onRelease("widgets", null, 1_000, false);
        return state.listener.releases();
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

    /** The core pool with the hit-cycle suite's metering listener. */
    @State(Scope.Benchmark)
    public static class CoreMetered {
        ResourcePool<Widget> pool;

        @Setup
        public void open(BenchmarkParams params) {
            pool = pool(params.getThreads(), false, new MeteringListener());
        }

        @TearDown
        public void close() {
            pool.close();
        }
    }

    /** One metering listener shared by every thread, as a pool's listener is. */
    @State(Scope.Benchmark)
    public static class Metering {
        final MeteringListener listener = new MeteringListener();
    }

    private static ResourcePool<Widget> pool(int size, boolean withoutClock, PoolListener... listeners) {
        WidgetProvider provider = new WidgetProvider();
        ResourcePool.Builder<Widget> builder = ResourcePool.builder(provider, ResourceSettings.of("widgets", provider.kind(),
                Map.of("pool.min-size", String.valueOf(size), "pool.max-size", String.valueOf(size))));
        if (withoutClock) {
            builder.ticker(() -> 0L);
        }
        for (PoolListener l : listeners) {
            builder.listener(l);
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
