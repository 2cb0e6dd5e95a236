package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalPoolInterceptor;
import io.agroal.api.cache.ConnectionCache;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.transaction.TransactionIntegration;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agroal's configuration, unchanged but for one thing: a {@code getConnection()} may be given a shorter wait than
 * Agroal's {@code acquisitionTimeout} ({@link #within}). A retry of the resource's pipeline may take only what is
 * left of {@code pool.acquire-timeout}; Agroal's own timeout is one value for the whole pool, so a retry begun late in
 * the budget waited Agroal's full timeout for a free connection and the caller waited past the budget (the fault
 * suite measured 2.3 s and 2.4 s against a budget of 2 s).
 *
 * <p>How: Agroal 3.2.1 reads {@code acquisitionTimeout()} of this configuration on the calling thread each time it
 * looks for a connection ({@code ConnectionPool.handlerFromSharedCache}), and waits until then plus that. Here it
 * answers what is left until the calling thread's deadline, when that thread set one. {@code JdbcBudgetTest} pins
 * this: should Agroal stop reading the timeout per call, the test fails. On a pool hit (no deadline anywhere in
 * the pool) it costs one read of a volatile counter more than Agroal's own configuration.
 *
 * <p>A connection Agroal opens for such a call is opened on the calling thread too, and its login is bounded the same
 * way ({@link JdbcLogin} asks {@link #left()} and the kind sets its driver's per-connection timeout).
 */
final class BoundedWait implements AgroalDataSourceConfiguration {

    /** An SQL call run under a deadline. */
    @FunctionalInterface
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    private final AgroalDataSourceConfiguration delegate;
    private final Pool pool;
    /** Calls under a deadline now, in any thread: while none is, nobody needs to look at the thread's deadline. */
    private final AtomicInteger bounded = new AtomicInteger();
    /** The calling thread's deadline on {@link System#nanoTime()}; 0 for none. A holder per thread: no allocation per call. */
    private final ThreadLocal<long[]> deadline = ThreadLocal.withInitial(() -> new long[1]);

    BoundedWait(AgroalDataSourceConfiguration delegate) {
        this.delegate = delegate;
        this.pool = new Pool(delegate.connectionPoolConfiguration());
    }

    /**
     * Runs {@code call} (a {@code getConnection()} of the pool made with this configuration) with Agroal waiting at most
     * {@code within} from now, in all, for a connection.
     */
    <T> T within(Duration within, SqlCall<T> call) throws SQLException {
        long[] mine = deadline.get();
        long outer = mine[0];
        mine[0] = System.nanoTime() + Math.max(1, within.toNanos());
        bounded.incrementAndGet();
        try {
            return call.call();
        } finally {
            bounded.decrementAndGet();
            mine[0] = outer;
        }
    }

    /**
     * What is left until the calling thread's deadline, at least a nanosecond; {@code null} when it set none (a first
     * attempt, which has the whole budget, or a thread of Agroal's own).
     */
    Duration left() {
        if (bounded.get() == 0) {
            return null;
        }
        long until = deadline.get()[0];
        return until == 0 ? null : Duration.ofNanos(Math.max(1, until - System.nanoTime()));
    }

    @Override
    public AgroalConnectionPoolConfiguration connectionPoolConfiguration() {
        return pool;
    }

    @Override
    public DataSourceImplementation dataSourceImplementation() {
        return delegate.dataSourceImplementation();
    }

    @Override
    public boolean metricsEnabled() {
        return delegate.metricsEnabled();
    }

    @Override
    public void setMetricsEnabled(boolean metricsEnabled) {
        delegate.setMetricsEnabled(metricsEnabled);
    }

    @Override
    public void registerMetricsEnabledListener(MetricsEnabledListener listener) {
        delegate.registerMetricsEnabledListener(listener);
    }

    /** The pool's configuration: Agroal's, with the acquisition timeout read against the calling thread's deadline. */
    private final class Pool implements AgroalConnectionPoolConfiguration {

        private final AgroalConnectionPoolConfiguration configured;

        Pool(AgroalConnectionPoolConfiguration configured) {
            this.configured = configured;
        }

        @Override
        public Duration acquisitionTimeout() {
            Duration left = left(); // never zero: Agroal reads zero as "wait forever"
            return left != null ? left : configured.acquisitionTimeout();
        }

        @Override
        public void setAcquisitionTimeout(Duration timeout) {
            configured.setAcquisitionTimeout(timeout);
        }

        @Override
        public AgroalConnectionFactoryConfiguration connectionFactoryConfiguration() {
            return configured.connectionFactoryConfiguration();
        }

        @Override
        public ConnectionValidator connectionValidator() {
            return configured.connectionValidator();
        }

        @Override
        public ExceptionSorter exceptionSorter() {
            return configured.exceptionSorter();
        }

        @Override
        public ConnectionCache connectionCache() {
            return configured.connectionCache();
        }

        @Override
        public TransactionIntegration transactionIntegration() {
            return configured.transactionIntegration();
        }

        @Override
        public TransactionRequirement transactionRequirement() {
            return configured.transactionRequirement();
        }

        @Override
        public boolean validateOnBorrow() {
            return configured.validateOnBorrow();
        }

        @Override
        public Duration idleValidationTimeout() {
            return configured.idleValidationTimeout();
        }

        @Override
        public Duration leakTimeout() {
            return configured.leakTimeout();
        }

        @Override
        public Duration validationTimeout() {
            return configured.validationTimeout();
        }

        @Override
        public Duration reapTimeout() {
            return configured.reapTimeout();
        }

        @Override
        public Duration maxLifetime() {
            return configured.maxLifetime();
        }

        @Override
        public boolean enhancedLeakReport() {
            return configured.enhancedLeakReport();
        }

        @Override
        public boolean flushOnClose() {
            return configured.flushOnClose();
        }

        @Override
        public boolean recoveryEnable() {
            return configured.recoveryEnable();
        }

        @Override
        public int establishmentRetryAttempts() {
            return configured.establishmentRetryAttempts();
        }

        @Override
        public Duration establishmentRetryInterval() {
            return configured.establishmentRetryInterval();
        }

        @Override
        public MultipleAcquisitionAction multipleAcquisition() {
            return configured.multipleAcquisition();
        }

        @Override
        public int initialSize() {
            return configured.initialSize();
        }

        @Override
        public int minSize() {
            return configured.minSize();
        }

        @Override
        public void setMinSize(int size) {
            configured.setMinSize(size);
        }

        @Override
        public int maxSize() {
            return configured.maxSize();
        }

        @Override
        public void setMaxSize(int size) {
            configured.setMaxSize(size);
        }

        @Override
        public Collection<AgroalPoolInterceptor> interceptors() {
            return configured.interceptors();
        }
    }
}
