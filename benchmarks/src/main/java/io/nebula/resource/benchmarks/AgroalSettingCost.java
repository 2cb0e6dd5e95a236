package io.nebula.resource.benchmarks;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalConnectionPoolConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.nebula.resource.benchmarks.stub.StubDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Where the JDBC provider's overhead over raw Agroal comes from: the Agroal hit cycle with one of the
 * settings the provider turns on at a time (a factorial look, one thread). Each of them makes Agroal
 * read the clock on every acquisition or return.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class AgroalSettingCost {

    /** One setting of {@code JdbcProvider.create}, with its value at the provider's default. */
    public enum Setting {
        NONE(false, false, pool -> pool),
        /** {@code metricsEnabled(true)}: counters and wait/creation times ({@code agroal.metrics=true}). */
        METRICS(true, false, pool -> pool),
        /** The provider's counting listener ({@code PoolCounts}), which serves its health check with the metrics off. */
        POOL_COUNTS(false, true, pool -> pool),
        /** {@code pool.validation-bypass=500ms}: validate a connection idle longer than that. */
        IDLE_VALIDATION(false, false, pool -> pool.idleValidationTimeout(Duration.ofMillis(500))),
        /** {@code pool.idle-timeout=10m}: reap connections idle longer than that. */
        IDLE_REAPING(false, false, pool -> pool.reapTimeout(Duration.ofMinutes(10))),
        /** {@code pool.max-lifetime=30m}. */
        MAX_LIFETIME(false, false, pool -> pool.maxLifetime(Duration.ofMinutes(30))),
        /** As the provider configures Agroal for a pool of one: counting listener, validation, lifetime (no reaping: nothing to reap). */
        ALL(false, true, Setting::providerDefaults),
        /** As the provider configured Agroal before its metrics were turned off (now {@code agroal.metrics=true}). */
        ALL_WITH_METRICS(true, false, Setting::providerDefaults);

        final boolean metrics;
        final boolean counts;
        final UnaryOperator<AgroalConnectionPoolConfigurationSupplier> pool;

        Setting(boolean metrics, boolean counts, UnaryOperator<AgroalConnectionPoolConfigurationSupplier> pool) {
            this.metrics = metrics;
            this.counts = counts;
            this.pool = pool;
        }

        private static AgroalConnectionPoolConfigurationSupplier providerDefaults(AgroalConnectionPoolConfigurationSupplier pool) {
            // the pool's min and max sizes are both 1: the provider leaves reaping off (JdbcProvider.reapTimeout)
            return pool.idleValidationTimeout(Duration.ofMillis(500))
                    .reapTimeout(io.nebula.resource.provider.jdbc.ProviderParts.reapTimeout(1, 1, Duration.ofMinutes(10)))
                    .maxLifetime(Duration.ofMinutes(30));
        }
    }

    @Param
    public Setting setting;

    private AgroalDataSource dataSource;

    @Setup
    public void open() throws SQLException {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(setting.metrics)
                .connectionPoolConfiguration(pool -> setting.pool.apply(pool
                        .initialSize(1).minSize(1).maxSize(1)
                        .acquisitionTimeout(Peers.ACQUIRE_TIMEOUT)
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(StubDriver.URL)
                                .connectionProviderClass(StubDriver.class))));
        dataSource = setting.counts
                ? AgroalDataSource.from(config, io.nebula.resource.provider.jdbc.StubJdbcProvider.poolCounts())
                : AgroalDataSource.from(config);
        Peers.fill("Agroal", 1, dataSource::getConnection, Connection::close);
    }

    @TearDown
    public void close() {
        dataSource.close();
    }

    @Benchmark
    public Object cycle() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.close();
        return connection;
    }
}
