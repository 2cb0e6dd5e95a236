package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.nebula.resource.benchmarks.stub.StubDriver;
import io.nebula.resource.provider.jdbc.ProviderParts;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import stormpot.Allocator;
import stormpot.Pool;
import stormpot.Pooled;
import stormpot.Slot;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The pools users would pick instead of Nebula, each configured as its documentation recommends for
 * a fixed-size pool that is full from the start, so that every benchmark measures pool hits.
 */
final class Peers {

    /** Long enough never to expire in a benchmark: a timeout here is a failed run, not a figure. */
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

    // Held so that the level set on it is not lost when the logger is collected.
    private static final Logger HIKARI_LOG = Logger.getLogger("com.zaxxer.hikari");

    static {
        HIKARI_LOG.setLevel(Level.WARNING);
    }

    private Peers() {
    }

    /** Stormpot with its default (background) allocator and expiration; claims through the pool itself. */
    static Pool<Pooled<Widget>> stormpot(int size) {
        Pool<Pooled<Widget>> pool = Pool.from(new WidgetAllocator()).setSize(size).build();
        stormpot.Timeout timeout = new stormpot.Timeout(ACQUIRE_TIMEOUT);
        fill("Stormpot", size, () -> pool.claim(timeout), Pooled::release);
        return pool;
    }

    /**
     * commons-pool2 with {@code maxIdle = maxTotal}: its default {@code maxIdle} of 8 would destroy every
     * object returned above 8 idle ones, turning hits into creations at 16 threads.
     */
    static GenericObjectPool<Widget> commonsPool2(int size) {
        GenericObjectPoolConfig<Widget> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(size);
        config.setMaxIdle(size);
        config.setMinIdle(size);
        config.setMaxWait(ACQUIRE_TIMEOUT);
        config.setBlockWhenExhausted(true);
        config.setJmxEnabled(false);
        GenericObjectPool<Widget> pool = new GenericObjectPool<>(new WidgetFactory(), config);
        fill("commons-pool2", size, pool::borrowObject, pool::returnObject);
        return pool;
    }

    /** HikariCP over the stub driver, minimumIdle = maximumPoolSize (its recommended fixed-size pool). */
    static HikariDataSource hikari(int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("hikari-benchmark");
        config.setDriverClassName(StubDriver.class.getName());
        config.setJdbcUrl(StubDriver.URL);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(ACQUIRE_TIMEOUT.toMillis());
        config.setAutoCommit(true);
        config.setRegisterMbeans(false);
        HikariDataSource ds = new HikariDataSource(config);
        fill("HikariCP", size, ds::getConnection, Connection::close);
        return ds;
    }

    /**
     * Agroal over the stub driver, min = max, metrics off (its default). The initial size stays 0 and
     * {@link #fill} opens the connections: with Agroal 3.2.1 an initial fill racing with concurrent
     * {@code getConnection} calls was seen to leave one of them waiting the full acquisition timeout
     * (30 s of set-up, once in three runs); the hit cycle measured is the same either way.
     */
    static AgroalDataSource agroal(int size) {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(0)
                        .minSize(size)
                        .maxSize(size)
                        .acquisitionTimeout(ACQUIRE_TIMEOUT)
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(StubDriver.URL)
                                .connectionProviderClass(StubDriver.class)
                                .autoCommit(true)));
        AgroalDataSource ds;
        try {
            ds = AgroalDataSource.from(config);
        } catch (SQLException e) {
            throw new IllegalStateException("Agroal could not start over the stub driver", e);
        }
        fill("Agroal", size, ds::getConnection, Connection::close);
        return ds;
    }

    /**
     * Agroal over the stub driver configured as Nebula's JDBC provider configures it for a resource with
     * {@code pool.min-size = pool.max-size = size} and every other key at its default: see
     * {@link #agroalLikeNebula}. Against raw Agroal it shows what that configuration costs; against the injected
     * data source, what Nebula's own code costs.
     */
    static AgroalDataSource agroalConfiguredLikeNebula(int size) {
        return agroalLikeNebula("stub-db", "benchmark-stub", StubDriver.URL, StubDriver.class.getName(),
                error -> false, size);
    }

    /**
     * Agroal configured as {@code JdbcProvider.create} (providers/jdbc) configures it for a resource of kind
     * {@code kind} with {@code pool.min-size = pool.max-size = size}, no credentials and every other key at its
     * default: Agroal's metrics off; initial size 0, the pool filled by the caller before it is handed out (as the
     * provider's {@code InitialFill} does); a 30 s acquisition timeout; no leak detection; validation of
     * connections idle longer than 500 ms ({@code pool.validation-bypass}); background validation every 2 minutes
     * ({@code pool.keepalive-interval}) with the driver's {@code isValid} (5 s); idle reaping after 10 minutes;
     * 30-minute lifetime; no establishment retries; an exception sorter (SQLState class 08 and the kind's own
     * broken-connection codes); a 10 s login timeout; and the provider's own login and one listener
     * ({@code JdbcLogin}, {@code AgroalEvents}: the health check's counts and the login tracking on every hit),
     * made by the provider's code ({@link ProviderParts}). Not here: the
     * provider's {@code PooledDataSource} wrapper around Agroal, which adds one delegating call to
     * {@code getConnection()} and no interceptor when sessions are not reset (they are not by default, outside
     * {@code scope=tenant}).
     *
     * @param brokenConnection the kind's {@code isBrokenConnection} (beyond SQLState class 08)
     */
    static AgroalDataSource agroalLikeNebula(String resource, String kind, String url, String driverClass,
                                             Predicate<SQLException> brokenConnection, int size) {
        ProviderParts provider = ProviderParts.of(resource, kind);
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(false)
                .connectionPoolConfiguration(pool -> pool
                        .maxSize(size)
                        .minSize(size)
                        .initialSize(0)
                        .acquisitionTimeout(ACQUIRE_TIMEOUT)
                        .leakTimeout(Duration.ZERO)
                        .reapTimeout(ProviderParts.reapTimeout(size, size, Duration.ofMinutes(10)))
                        .maxLifetime(Duration.ofMinutes(30))
                        .validationTimeout(Duration.ofMinutes(2))
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(5))
                        .exceptionSorter(error -> error.getSQLState() != null && error.getSQLState().startsWith("08")
                                || brokenConnection.test(error))
                        .establishmentRetryAttempts(0)
                        .idleValidationTimeout(Duration.ofMillis(500))
                        .connectionFactoryConfiguration(factory -> provider.login(factory
                                .jdbcUrl(url)
                                .connectionProviderClassName(driverClass)
                                .loginTimeout(Duration.ofSeconds(10)))));
        AgroalDataSource ds;
        try {
            ds = AgroalDataSource.from(config, provider.listener());
        } catch (SQLException e) {
            throw new IllegalStateException("Agroal configured like Nebula could not start on " + url, e);
        }
        provider.pool(ds);
        fill("Agroal configured like Nebula", size, ds::getConnection, Connection::close);
        return ds;
    }

    // --- the h2 suite: the same pools over an in-memory H2 database //

    /** The in-memory H2 database of the h2 suite, kept as long as the JVM ({@code DB_CLOSE_DELAY=-1}). */
    static final String H2_URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
    static final String H2_DRIVER = "org.h2.Driver";
    /** As {@code H2Provider.isBrokenConnection}: CONNECTION_BROKEN_1, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN. */
    private static final Set<Integer> H2_SESSION_ENDED = Set.of(90067, 90098, 90121);

    /** HikariCP over H2 with its defaults, only the pool size set ({@code minimumIdle} defaults to it). */
    static HikariDataSource hikariH2(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(H2_URL);
        config.setMaximumPoolSize(size);
        HikariDataSource ds = new HikariDataSource(config);
        fill("HikariCP (H2)", size, ds::getConnection, Connection::close);
        return ds;
    }

    /**
     * Agroal over H2 with its defaults, only the sizes set (initial size 0, its default, and no acquisition
     * timeout, its default of waiting forever); {@link #fill} opens the connections.
     */
    static AgroalDataSource agroalH2(int size) {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .minSize(size)
                        .maxSize(size)
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(H2_URL)
                                .connectionProviderClassName(H2_DRIVER)));
        AgroalDataSource ds;
        try {
            ds = AgroalDataSource.from(config);
        } catch (SQLException e) {
            throw new IllegalStateException("Agroal could not start on H2", e);
        }
        fill("Agroal (H2)", size, ds::getConnection, Connection::close);
        return ds;
    }

    /** Agroal over H2 configured as Nebula's JDBC provider configures a resource of kind {@code h2} (see {@link #agroalLikeNebula}). */
    static AgroalDataSource agroalConfiguredLikeNebulaH2(int size) {
        return agroalLikeNebula("bench", "h2", H2_URL, H2_DRIVER, error -> H2_SESSION_ENDED.contains(error.getErrorCode()), size);
    }

    /**
     * Holds {@code size} instances at once, then gives them all back: every slot is created before the
     * first measured cycle, whether the pool fills itself in the background or on demand.
     */
    static <T> void fill(String pool, int size, Acquire<T> acquire, Release<T> release) {
        List<T> held = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                held.add(acquire.get());
            }
            for (T instance : held) {
                release.accept(instance);
            }
        } catch (Exception e) {
            throw new IllegalStateException(pool + " could not fill its pool of " + size, e);
        }
    }

    @FunctionalInterface
    interface Acquire<T> {
        T get() throws Exception;
    }

    @FunctionalInterface
    interface Release<T> {
        void accept(T instance) throws Exception;
    }

    private static final class WidgetAllocator implements Allocator<Pooled<Widget>> {
        @Override
        public Pooled<Widget> allocate(Slot slot) {
            return new Pooled<>(slot, new Widget());
        }

        @Override
        public void deallocate(Pooled<Widget> poolable) {
        }
    }

    private static final class WidgetFactory extends BasePooledObjectFactory<Widget> {
        @Override
        public Widget create() {
            return new Widget();
        }

        @Override
        public PooledObject<Widget> wrap(Widget widget) {
            return new DefaultPooledObject<>(widget);
        }
    }
}
