package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.benchmarks.nebula.Container;
import io.nebula.resource.benchmarks.nebula.OpenTelemetrySetup;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The h2 suite: the pool-hit cycle of {@link PoolHitCycle} ({@code getConnection()} and {@code close()}, nothing
 * else) on connections to a real database, an in-memory H2 ({@value Peers#H2_URL}), so that what a pool does
 * with the driver's connection on a hit (HikariCP's state reset on close, Agroal's validation of idle ones...)
 * is measured too. Run with {@code -t 1}, {@code -t 4}, {@code -t 16}; each pool has as many connections as
 * there are threads (as {@link Contention#UNCONTENDED}) and is full before measurement, so every cycle is a hit.
 *
 * <p>Each state checks in its set-up that it hands out H2 connections, and in its tear-down that the database
 * holds exactly the pool's connections (none was replaced or added during measurement).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class H2HitCycle {

    /** HikariCP with its defaults, only the pool size set. */
    @Benchmark
    public Object hikari(HikariH2 state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /** Agroal with its defaults, only the sizes set. */
    @Benchmark
    public Object agroal(AgroalH2 state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /** Agroal configured as Nebula's JDBC provider configures a resource of kind {@code h2} (see {@link Peers#agroalLikeNebula}). */
    @Benchmark
    public Object agroalConfiguredLikeNebula(AgroalLikeNebulaH2 state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /**
     * The {@code DataSource} of a resource of kind {@code h2} at the provider's defaults, injected with
     * {@code @NebulaResource} into a bean of a Weld SE container whose application has the OpenTelemetry SDK with
     * metrics.
     */
    @Benchmark
    public Object nebulaInjected(NebulaH2Injected state) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        connection.close();
        return connection;
    }

    /** A pool of as many H2 connections as JMH runs threads. */
    @State(Scope.Benchmark)
    public abstract static class H2Pool {
        /** What the pool is, for the messages (JMH subclasses the state, so its class name says nothing). */
        private final String label;
        int size;

        H2Pool(String label) {
            this.label = label;
        }

        @Setup
        public void open(BenchmarkParams params) throws SQLException {
            size = Contention.UNCONTENDED.poolSize(params.getThreads());
            DataSource dataSource = open(size);
            try (Connection connection = dataSource.getConnection()) {
                String product = connection.getMetaData().getDatabaseProductName();
                String url = connection.getMetaData().getURL();
                if (!"H2".equals(product) || !Peers.H2_URL.startsWith(url)) {
                    throw new IllegalStateException(label + " hands out connections to " + product
                            + " at " + url + ", not to H2 at " + Peers.H2_URL);
                }
            }
            // Said once per fork, so the record shows what was measured.
            System.out.println(label + ": " + size + " connections, " + dataSource.getClass().getName());
            ready();
        }

        /** Opens a full pool of {@code size} connections. */
        abstract DataSource open(int size) throws SQLException;

        /** The pool is open, full and checked; nothing more is acquired before measurement. */
        void ready() {
        }

        /**
         * The database must hold the pool's connections and no other (the check's own aside): a pool that opened
         * more, or replaced some, during measurement measured creations, not hits.
         */
        void checkSessions() {
            try (Connection own = DriverManager.getConnection(Peers.H2_URL);
                 Statement statement = own.createStatement();
                 ResultSet sessions = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
                sessions.next();
                long pooled = sessions.getLong(1) - 1;
                if (pooled != size) {
                    throw new IllegalStateException(label + ": H2 has " + pooled
                            + " sessions besides the check's own after measurement, the pool was to hold " + size);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not count H2's sessions", e);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class HikariH2 extends H2Pool {
        HikariDataSource dataSource;

        public HikariH2() {
            super("HikariCP (H2)");
        }

        @Override
        DataSource open(int size) {
            dataSource = Peers.hikariH2(size);
            return dataSource;
        }

        @TearDown
        public void close() {
            checkSessions();
            dataSource.close();
        }
    }

    @State(Scope.Benchmark)
    public static class AgroalH2 extends H2Pool {
        AgroalDataSource dataSource;

        public AgroalH2() {
            super("Agroal (H2)");
        }

        @Override
        DataSource open(int size) {
            dataSource = Peers.agroalH2(size);
            return dataSource;
        }

        @TearDown
        public void close() {
            checkSessions();
            dataSource.close();
        }
    }

    @State(Scope.Benchmark)
    public static class AgroalLikeNebulaH2 extends H2Pool {
        AgroalDataSource dataSource;

        public AgroalLikeNebulaH2() {
            super("Agroal configured like Nebula (H2)");
        }

        @Override
        DataSource open(int size) {
            dataSource = Peers.agroalConfiguredLikeNebulaH2(size);
            return dataSource;
        }

        @TearDown
        public void close() {
            checkSessions();
            dataSource.close();
        }
    }

    /** The application bean the data source is injected into. */
    @Dependent
    public static class Repository {
        @Inject
        @NebulaResource(NebulaH2Injected.RESOURCE)
        DataSource dataSource;
    }

    /**
     * A Weld SE container with Nebula's extension, the resource {@value #RESOURCE} of kind {@code h2} at the
     * provider's defaults but for its size ({@code pool.min-size = pool.max-size = size}) and URL (the suite's
     * database, which is also the provider's default URL for a resource of this name), and the OpenTelemetry SDK with
     * metrics ({@link OpenTelemetrySetup.Metrics}); the benchmark uses the {@code DataSource} injected into
     * {@link Repository}, as the hit suite's {@code nebulaJdbcInjected} does on the stub driver.
     */
    @State(Scope.Benchmark)
    public static class NebulaH2Injected extends H2Pool {
        static final String RESOURCE = "bench";

        WeldContainer container;
        DataSource dataSource;
        long acquisitionsBefore;

        public NebulaH2Injected() {
            super("Nebula jdbc injected (H2)");
        }

        @Override
        DataSource open(int size) {
            container = Container.boot(Map.of(RESOURCE, Map.of(
                    "kind", "h2",
                    "url", Peers.H2_URL,
                    "pool.min-size", String.valueOf(size),
                    "pool.max-size", String.valueOf(size))), Repository.class, OpenTelemetrySetup.Metrics.class);
            dataSource = container.select(Repository.class).get().dataSource;
            Peers.fill("Nebula h2", size, dataSource::getConnection, Connection::close);
            return dataSource;
        }

        /** Before measurement: what the SDK has seen so far, so that the check below counts only what was measured. */
        @Override
        void ready() {
            OpenTelemetrySetup.exportMetricsNow();
            acquisitionsBefore = OpenTelemetrySetup.nebulaAcquisitionsExported(RESOURCE);
        }

        /**
         * The SDK must have seen the measured connections: exported now, while the pool is open (the container closes
         * its pools before the SDK, whose last export then has no pool to read).
         */
        @TearDown
        public void close() {
            checkSessions();
            OpenTelemetrySetup.exportMetricsNow();
            long acquisitions = OpenTelemetrySetup.nebulaAcquisitionsExported(RESOURCE);
            container.shutdown();
            if (acquisitions <= acquisitionsBefore) {
                throw new IllegalStateException("the OpenTelemetry SDK exported " + (acquisitions - acquisitionsBefore)
                        + " successful acquisitions of '" + RESOURCE + "' after set-up: the benchmark did not measure"
                        + " the injected DataSource with metrics on");
            }
        }
    }
}
