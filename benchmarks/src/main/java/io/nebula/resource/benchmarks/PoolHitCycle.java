package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Resources;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.InjectedDataSource;
import io.nebula.resource.benchmarks.nebula.MeteringListener;
import io.nebula.resource.benchmarks.nebula.NebulaPools;
import io.nebula.resource.benchmarks.nebula.OpenTelemetrySetup;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.telemetry.Outcome;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.jboss.weld.environment.se.WeldContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import stormpot.Pool;
import stormpot.Pooled;
import stormpot.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Suite 1, the pool-hit cycle: acquire an idle instance and give it back, nothing else. Every pool
 * is full before measurement, so each cycle is a hit. Run with {@code -t 1}, {@code -t 4},
 * {@code -t 16}; the pool is sized from the thread count by {@link Contention}.
 *
 * <p>Object pools hand out a {@link Widget}; connection pools hand out a stub-driver connection
 * (see {@code stub.StubDriver}), so any difference between two pools of a kind is the pools'.
 *
 * <p>Nebula's object pool is measured at three levels: the engine's pool alone ({@code nebulaCore}, with a
 * stand-in metrics listener in {@code nebulaCoreMetered}); core's woven pool, the engine behind its acquisition
 * pipeline at the defaults, as plain Java builds it ({@code nebulaWoven}); and {@code Resources.acquire} in a CDI
 * application with the OpenTelemetry SDK ({@code nebulaResourcesAcquire}), which goes through the same pipeline.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoolHitCycle {

    @Benchmark
    public Object nebulaCore(NebulaCorePool state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    @Benchmark
    public Object nebulaCoreMetered(NebulaCoreMeteredPool state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    /**
     * The pool plain Java builds with core's pipeline ({@code WovenPool.builder(provider, settings).build()}): the
     * engine's pool behind metering, quarantine, circuit breaker and retry at their defaults, no telemetry.
     */
    @Benchmark
    public Object nebulaWoven(NebulaWovenPool state) {
        Lease<Widget> lease = state.pool.acquire();
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    /**
     * What an application gets: {@code Resources.acquire} on a resource declared in configuration, in a Weld SE
     * container whose application has the OpenTelemetry SDK with metrics.
     */
    @Benchmark
    public Object nebulaResourcesAcquire(NebulaResourcesAcquire state) {
        Lease<Widget> lease = state.resources.acquire(NebulaResourcesAcquire.RESOURCE, Widget.class);
        Widget widget = lease.get();
        lease.close();
        return widget;
    }

    @Benchmark
    public Object stormpot(StormpotPool state) throws InterruptedException {
        Pooled<Widget> pooled = state.pool.claim(state.timeout);
        Widget widget = pooled.object;
        pooled.release();
        return widget;
    }

    @Benchmark
    public Object commonsPool2(CommonsPool2 state) throws Exception {
        Widget widget = state.pool.borrowObject();
        state.pool.returnObject(widget);
        return widget;
    }

    @Benchmark
    public Object hikari(HikariPool state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    @Benchmark
    public Object agroal(AgroalPool state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /** Raw Agroal with the configuration Nebula's JDBC provider gives it (metrics on, validation, reaping...). */
    @Benchmark
    public Object agroalConfiguredLikeNebula(AgroalLikeNebulaPool state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /** Nebula's JDBC provider over the stub driver, injected with {@code @NebulaResource} into a Weld SE bean. */
    @Benchmark
    public Object nebulaJdbcInjected(NebulaJdbcInjected state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /** Sizes a pool from the thread count JMH runs with. */
    @State(Scope.Benchmark)
    public abstract static class SizedPool {
        @Param
        public Contention contention;

        int size;

        @Setup
        public void size(BenchmarkParams params) {
            size = contention.poolSize(params.getThreads());
            open(size);
        }

        abstract void open(int size);
    }

    @State(Scope.Benchmark)
    public static class NebulaCorePool extends SizedPool {
        ResourcePool<Widget> pool;

        @Override
        void open(int size) {
            pool = NebulaPools.full("widgets", new WidgetProvider(), size);
        }

        @TearDown
        public void close() {
            pool.close();
        }
    }

    /** The core pool with a listener doing what a metrics listener does on every acquire and release. */
    @State(Scope.Benchmark)
    public static class NebulaCoreMeteredPool extends SizedPool {
        ResourcePool<Widget> pool;
        MeteringListener metrics;

        @Override
        void open(int size) {
            metrics = new MeteringListener();
            pool = NebulaPools.full("widgets", new WidgetProvider(), size, metrics);
        }

        @TearDown
        public void close() {
            pool.close();
            if (metrics.acquisitions() == 0 || metrics.acquisitions() != metrics.releases()) {
                throw new IllegalStateException("the metering listener saw " + metrics.acquisitions()
                        + " acquisitions and " + metrics.releases() + " releases: it was not on the hit path");
            }
        }
    }

    /**
     * Core's woven pool as plain Java builds it: {@code pool.min-size = pool.max-size = size}, {@code pool.warmup =
     * eager}, every other key at its default (so metering, quarantine, circuit breaker and retry are on), no
     * telemetry; filled before measurement as {@link NebulaPools#full} fills the core pool.
     */
    @State(Scope.Benchmark)
    public static class NebulaWovenPool extends SizedPool {
        /** The stages every acquisition must pass through, outermost first, for this to measure what it says. */
        static final List<String> STAGES = List.of("metering", "deadline", "quarantine", "circuit breaker", "retry");

        WovenPool<Widget> pool;
        long beforeMeasurement;

        @Override
        void open(int size) {
            ResourceSettings settings = ResourceSettings.of("widgets", "benchmark-widget", Map.of(
                    "pool.min-size", String.valueOf(size),
                    "pool.max-size", String.valueOf(size),
                    "pool.warmup", "eager"));
            pool = WovenPool.builder(new WidgetProvider(), settings).build();
            pool.start();
            if (!pool.stages().equals(STAGES)) {
                throw new IllegalStateException("the woven pool's stages are " + pool.stages() + ", not " + STAGES);
            }
            Peers.fill("Nebula woven", size, pool::acquire, Lease::close);
            beforeMeasurement = pool.counts().count(Outcome.SUCCESS);
            System.out.println("woven pool: stages " + pool.stages() + ", " + pool.snapshot());
        }

        @TearDown
        public void close() {
            long counted = pool.counts().count(Outcome.SUCCESS);
            pool.close();
            if (counted <= beforeMeasurement) {
                throw new IllegalStateException("the woven pool counted " + counted + " successful acquisitions, "
                        + beforeMeasurement + " of them before measurement: the benchmark did not go through its pipeline");
            }
        }
    }

    /** The application bean: {@link Resources} injected, as application code has it. */
    @Dependent
    public static class ResourcesClient {
        @Inject
        Resources resources;
    }

    /**
     * A Weld SE container with Nebula's extension, the resource {@value #RESOURCE} (kind {@code benchmark-widget},
     * {@code pool.min-size = pool.max-size = size}, {@code pool.warmup = eager}, every other key at the deployed
     * default) and the OpenTelemetry SDK with metrics ({@link OpenTelemetrySetup.Metrics}, as the observability
     * suite's {@code METRICS}); the benchmark acquires through the injected {@link Resources}.
     */
    @State(Scope.Benchmark)
    public static class NebulaResourcesAcquire extends SizedPool {
        static final String RESOURCE = "widgets";

        /**
         * {@code nebula.history.enabled}: whether the pipeline has the history stage (docs/operations.md). The issue
         * asks for the hit path within 5% with it on; docs/benchmarks.md has the comparison.
         */
        @Param({"true", "false"})
        public String history;

        WeldContainer container;
        Resources resources;
        long metricsBefore;
        long acquisitionsBefore;

        @Override
        void open(int size) {
            System.setProperty("nebula.history.enabled", history); // read from system properties, as every key here
            container = Container.boot(Map.of(RESOURCE, Map.of(
                    "kind", "benchmark-widget",
                    "pool.min-size", String.valueOf(size),
                    "pool.max-size", String.valueOf(size),
                    "pool.warmup", "eager")), ResourcesClient.class, OpenTelemetrySetup.Metrics.class);
            resources = container.select(ResourcesClient.class).get().resources;
            Peers.fill("Nebula Resources.acquire", size, () -> resources.acquire(RESOURCE, Widget.class), Lease::close);
            // what the SDK has seen before measurement, so that the checks below count only what was measured
            OpenTelemetrySetup.exportMetricsNow();
            metricsBefore = OpenTelemetrySetup.nebulaMetricsExported();
            acquisitionsBefore = OpenTelemetrySetup.nebulaAcquisitionsExported(RESOURCE);
            System.out.println("Resources.acquire: " + resources.find(RESOURCE).map(r -> r.kind() + " " + r.pool())
                    .orElse("no resource " + RESOURCE) + ", exported acquisitions before measurement " + acquisitionsBefore);
        }

        /**
         * The SDK must have seen the measured leases: exported now, while the pool is open (the container closes its
         * pools before the SDK, whose last export then has no pool to read); and closing the container closes the
         * SDK, which exports what it holds.
         */
        @TearDown
        public void close() {
            OpenTelemetrySetup.exportMetricsNow();
            long acquisitions = OpenTelemetrySetup.nebulaAcquisitionsExported(RESOURCE);
            container.shutdown();
            System.clearProperty("nebula.history.enabled");
            long metrics = OpenTelemetrySetup.nebulaMetricsExported();
            if (metrics <= metricsBefore || acquisitions <= acquisitionsBefore) {
                throw new IllegalStateException("the OpenTelemetry SDK exported " + (metrics - metricsBefore)
                        + " Nebula metrics and " + (acquisitions - acquisitionsBefore) + " successful acquisitions of '"
                        + RESOURCE + "' after set-up: the benchmark did not measure Resources.acquire with metrics on");
            }
        }
    }

    @State(Scope.Benchmark)
    public static class StormpotPool extends SizedPool {
        Pool<Pooled<Widget>> pool;
        final Timeout timeout = new Timeout(Peers.ACQUIRE_TIMEOUT);

        @Override
        void open(int size) {
            pool = Peers.stormpot(size);
        }

        @TearDown
        public void close() throws InterruptedException {
            pool.shutdown().await(timeout);
        }
    }

    @State(Scope.Benchmark)
    public static class CommonsPool2 extends SizedPool {
        GenericObjectPool<Widget> pool;

        @Override
        void open(int size) {
            pool = Peers.commonsPool2(size);
        }

        @TearDown
        public void close() {
            pool.close();
        }
    }

    @State(Scope.Benchmark)
    public static class HikariPool extends SizedPool {
        HikariDataSource dataSource;

        @Override
        void open(int size) {
            dataSource = Peers.hikari(size);
        }

        @TearDown
        public void close() {
            dataSource.close();
        }
    }

    @State(Scope.Benchmark)
    public static class AgroalLikeNebulaPool extends SizedPool {
        AgroalDataSource dataSource;

        @Override
        void open(int size) {
            dataSource = Peers.agroalConfiguredLikeNebula(size);
        }

        @TearDown
        public void close() {
            dataSource.close();
        }
    }

    @State(Scope.Benchmark)
    public static class NebulaJdbcInjected extends SizedPool {
        InjectedDataSource injected;
        DataSource dataSource;

        @Override
        void open(int size) {
            injected = InjectedDataSource.boot(size);
            dataSource = injected.dataSource();
            Peers.fill("Nebula jdbc", size, dataSource::getConnection, Connection::close);
            // Said once per fork, so the record shows what the application was given.
            System.out.println("injected DataSource: " + dataSource.getClass().getName() + " " + dataSource);
        }

        @TearDown
        public void close() {
            injected.close();
        }
    }

    @State(Scope.Benchmark)
    public static class AgroalPool extends SizedPool {
        AgroalDataSource dataSource;

        @Override
        void open(int size) {
            dataSource = Peers.agroal(size);
        }

        @TearDown
        public void close() {
            dataSource.close();
        }
    }
}
