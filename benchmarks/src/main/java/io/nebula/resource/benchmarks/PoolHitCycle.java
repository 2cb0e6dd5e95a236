package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.nebula.resource.Lease;
import io.nebula.resource.benchmarks.nebula.InjectedDataSource;
import io.nebula.resource.benchmarks.nebula.MeteringListener;
import io.nebula.resource.benchmarks.nebula.NebulaPools;
import io.nebula.resource.benchmarks.nebula.WidgetProvider;
import io.nebula.resource.core.ResourcePool;
import org.apache.commons.pool2.impl.GenericObjectPool;
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
import java.util.concurrent.TimeUnit;

/**
 * Suite 1, the pool-hit cycle: acquire an idle instance and give it back, nothing else. Every pool
 * is full before measurement, so each cycle is a hit. Run with {@code -t 1}, {@code -t 4},
 * {@code -t 16}; the pool is sized from the thread count by {@link Contention}.
 *
 * <p>Object pools hand out a {@link Widget}; connection pools hand out a stub-driver connection
 * (see {@code stub.StubDriver}), so any difference between two pools of a kind is the pools'.
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
