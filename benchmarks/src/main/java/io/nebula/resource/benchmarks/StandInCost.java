package io.nebula.resource.benchmarks;

import io.nebula.resource.benchmarks.nebula.InjectedDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * What the stand-in costs (docs/cdi.md, "Injection while a backend is down"): the hit cycle of Nebula's JDBC provider
 * over the stub driver, through the {@code DataSource} injected into a bean made while the pool was live (the pool
 * itself, as {@code PoolHitCycle.nebulaJdbcInjected}) and through one injected into a bean made while the database
 * refused connections (the stand-in, which has had the pool since its first call). One thread, a pool of one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StandInCost {

    @State(Scope.Benchmark)
    public static class Live {
        InjectedDataSource injected;
        DataSource dataSource;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            injected = InjectedDataSource.boot(1);
            dataSource = injected.dataSource();
            check(dataSource, false);
        }

        @TearDown(Level.Trial)
        public void close() {
            injected.close();
        }
    }

    @State(Scope.Benchmark)
    public static class StoodIn {
        InjectedDataSource injected;
        DataSource dataSource;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            injected = InjectedDataSource.bootWhileDown(1);
            dataSource = injected.dataSource();
            check(dataSource, true);
        }

        @TearDown(Level.Trial)
        public void close() {
            injected.close();
        }
    }

    /** Says once per fork what the bean was given, and has the stand-in take its pool before the measurement. */
    static void check(DataSource dataSource, boolean standIn) throws SQLException {
        if (Proxy.isProxyClass(dataSource.getClass()) != standIn) {
            throw new IllegalStateException("expected " + (standIn ? "a stand-in" : "the pool itself") + ", was " + dataSource.getClass());
        }
        dataSource.getConnection().close();
        System.out.println("injected DataSource: " + dataSource.getClass().getName() + " " + dataSource);
    }

    @Benchmark
    public Object live(Live state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    @Benchmark
    public Object standIn(StoodIn state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }
}
