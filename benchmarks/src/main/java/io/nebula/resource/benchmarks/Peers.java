package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.nebula.resource.benchmarks.stub.StubDriver;
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
     * Agroal configured as Nebula's JDBC provider configures it for a resource with
     * {@code pool.min-size = pool.max-size = size} and every other key at its default (see
     * {@code JdbcProvider.create} in providers/jdbc): Agroal's metrics off and the provider's counting listener on, validation of connections idle
     * longer than 500 ms, background validation every 2 minutes, idle reaping after 10 minutes,
     * 30-minute lifetime, an exception sorter and one listener (the provider's counting one). Against raw Agroal it shows
     * what that configuration costs; against the injected data source, what Nebula's own code costs.
     */
    static AgroalDataSource agroalConfiguredLikeNebula(int size) {
        // as JdbcProvider.create: Agroal's metrics off, the provider's counting listener on (see PoolCounts)
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(false)
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(size)
                        .minSize(size)
                        .maxSize(size)
                        .acquisitionTimeout(ACQUIRE_TIMEOUT)
                        .leakTimeout(Duration.ZERO)
                        .reapTimeout(Duration.ofMinutes(10))
                        .maxLifetime(Duration.ofMinutes(30))
                        .validationTimeout(Duration.ofMinutes(2))
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(5))
                        .exceptionSorter((error) -> error.getSQLState() != null && error.getSQLState().startsWith("08"))
                        .establishmentRetryAttempts(0)
                        .idleValidationTimeout(Duration.ofMillis(500))
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(StubDriver.URL)
                                .connectionProviderClass(StubDriver.class)
                                .loginTimeout(Duration.ofSeconds(10))));
        AgroalDataSource ds;
        try {
            // one listener, as the provider gives Agroal one (AgroalEvents): the counting one
            ds = AgroalDataSource.from(config, io.nebula.resource.provider.jdbc.StubJdbcProvider.poolCounts());
        } catch (SQLException e) {
            throw new IllegalStateException("Agroal could not start over the stub driver", e);
        }
        fill("Agroal", size, ds::getConnection, Connection::close);
        return ds;
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
