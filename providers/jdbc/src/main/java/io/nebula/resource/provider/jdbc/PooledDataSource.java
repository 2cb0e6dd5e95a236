package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.agroal.api.AgroalPoolInterceptor;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.ConnectionEvents;
import io.nebula.resource.spi.CredentialUnavailableException;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.spi.InstanceBudget;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The instance of a JDBC resource: Agroal's pool, which it delegates to unchanged, with the two
 * things Agroal's own errors do not say. A pool that was closed answers with SQLState {@code 08003}
 * naming the resource (so {@link JdbcProvider#isFatal} recognises it), and an acquisition that timed
 * out says that every connection was in use and which key bounds the pool, instead of "Sorry,
 * acquisition timeout!".
 *
 * <p>Its {@link #toString()} names the resource and kind only: the URL may carry credentials.
 */
final class PooledDataSource implements AgroalDataSource {

    private static final long serialVersionUID = 1L;

    /** SQLState "SQL-client unable to establish SQL-connection": a refusal of the pipeline. */
    static final String CONNECTION_EXCEPTION = "08001";

    /** SQLState "connection does not exist" (SQL:2016, class 08). */
    static final String CLOSED_STATE = "08003";

    private final String resource;
    private final String kind;
    private final transient JdbcSettings settings;
    private final transient AgroalDataSource agroal;
    private final transient JdbcLogin login;
    /** The interceptors the provider installs (session reset, when on; none else, see JdbcLogin); a user's come on top, never instead. */
    private final transient List<AgroalPoolInterceptor> own;
    /** The pool's counts, kept whether or not Agroal's metrics are on (see {@link PoolCounts}). */
    private final transient PoolCounts counts;
    /** What its connections observe of the database in the application's hands, for the resource's health. */
    private final transient ConnectionNews news;
    /** Agroal's configuration, through which a retry's {@code getConnection()} waits only what is left of its budget. */
    private final transient BoundedWait bounded;
    /** What telemetry reads of the connections, and the listener it may give them ({@link JdbcProvider#connectionPool}). */
    private final transient ConnectionFigures figures;
    private volatile boolean closed;
    /** {@code pool.acquire-timeout} in force: the settings', or what an operator changed it to ({@link #acquireTimeout(java.time.Duration)}). */
    private transient volatile java.time.Duration acquireTimeout;
    /** The resource's pipeline around {@link #borrow()}; {@code null} until the application holds this data source. */
    private transient volatile HandOutPipeline.Gate<Connection> gate;
    /** The pool's share of the session budget ({@code cluster.max-instances}), from its creation; unlimited without one. */
    private final transient CreationPermits permits;
    /** How the pipeline's refusals reach JDBC code; set before {@link #gate}. */
    private transient volatile JdbcRefusals refusals;

    PooledDataSource(String resource, String kind, JdbcSettings settings, AgroalDataSource agroal, JdbcLogin login,
                     List<AgroalPoolInterceptor> own, PoolCounts counts, ConnectionNews news, BoundedWait bounded,
                     ConnectionFigures figures, CreationPermits permits) {
        this.permits = permits;
        this.resource = resource;
        this.figures = figures;
        this.bounded = bounded;
        this.counts = counts;
        this.news = news;
        this.kind = kind;
        this.settings = settings;
        this.agroal = agroal;
        this.login = login;
        this.own = List.copyOf(own);
        this.acquireTimeout = settings.acquireTimeout();
        login.pool(agroal);
        agroal.setPoolInterceptors(this.own);
    }

    ConnectionNews news() {
        return news;
    }

    JdbcLogin login() {
        return login;
    }

    String resource() {
        return resource;
    }

    JdbcSettings settings() {
        return settings;
    }

    boolean isClosed() {
        return closed;
    }

    PoolCounts counts() {
        return counts;
    }

    ConnectionFigures figures() {
        return figures;
    }

    /** Whether every connection is lent out right now, so an acquisition would have to wait. */
    boolean isExhausted() {
        return counts.activeCount() >= maxSize() && counts.availableCount() == 0;
    }

    /** Agroal's {@code maxSize} in force: {@code pool.max-size}, or what an operator resized it to. */
    int maxSize() {
        return agroal.getConfiguration().connectionPoolConfiguration().maxSize();
    }

    /**
     * An operator resized the resource: Agroal's live configuration takes the new sizes, which its pool reads on each
     * acquisition and each fill, so a larger maximum opens connections for the callers waiting now and a smaller one
     * lets the connections in use finish (Agroal closes the surplus as they come back and idle out). In the order
     * Agroal accepts: it refuses a minimum above the maximum in force, and a maximum below the minimum.
     */
    void resize(int minSize, int maxSize) {
        var pool = agroal.getConfiguration().connectionPoolConfiguration();
        if (maxSize >= pool.maxSize()) {
            pool.setMaxSize(maxSize);
            pool.setMinSize(minSize);
        } else {
            pool.setMinSize(minSize);
            pool.setMaxSize(maxSize);
        }
    }

    /**
     * An operator changed {@code pool.acquire-timeout}: Agroal's live configuration takes it, which Agroal reads each
     * time a {@code getConnection()} begins to wait for a free connection (as {@link BoundedWait} relies on), so every
     * wait begun from now on lasts at most {@code timeout}; one already waiting keeps the deadline it began with.
     * Zero is "fail at once when none is free", as at creation (Agroal reads zero as "wait forever").
     */
    void acquireTimeout(java.time.Duration timeout) {
        acquireTimeout = timeout;
        agroal.getConfiguration().connectionPoolConfiguration()
                .setAcquisitionTimeout(timeout.isZero() ? java.time.Duration.ofNanos(1) : timeout);
    }

    /**
     * Puts {@link #getConnection()} behind the resource's acquisition pipeline (see
     * {@link JdbcProvider#handOutThrough}): from now on each call passes tracing, metering, the circuit breaker
     * and the retry before it asks Agroal. Each attempt waits for a free connection only as long as the pipeline
     * says is left of the call's budget ({@code pool.acquire-timeout}): a retry begun late in it does not wait
     * Agroal's whole timeout. What a failed hand-out tells the pipeline is {@link JdbcRefusals}': Agroal's own wait
     * for a free connection that ran out is a busy pool ({@code POOL_EXHAUSTED}, neither retried nor counted against
     * the circuit), the driver's error a backend failure ({@code BACKEND_UNAVAILABLE}, its cause).
     *
     * @param retryable the provider's {@code isRetryable}
     */
    void handOutThrough(HandOutPipeline pipeline, Predicate<Throwable> retryable) {
        JdbcRefusals said = new JdbcRefusals(resource, retryable);
        refusals = said;
        gate = pipeline.bounded(within -> {
            try {
                return within == null || within.compareTo(acquireTimeout) >= 0 ? borrow()
                        : bounded.within(within, this::borrow);
            } catch (SQLException e) {
                QuotaExceededException budgetSpent = budgetRefusal(e);
                throw budgetSpent != null ? budgetSpent : said.toPipeline(e, closed);
            }
        });
    }

    /** The session budget's refusal, when Agroal wrapped it: the pipeline sees the quota refusal it is. */
    static QuotaExceededException budgetRefusal(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof QuotaExceededException q) {
                return q;
            }
        }
        return null;
    }

    /**
     * A session budget given after creation ({@link JdbcProvider#budgetInstances}; the engine gives it at creation
     * instead): every physical connection opened from now on takes a permit. Those opened before (the start-up
     * check's, {@code pool.min-size}'s: {@link InitialFill}) hold none, so they are flushed gracefully and replaced by
     * connections that take one (idle ones closed now, those in use when they come back; Agroal refills
     * {@code pool.min-size} through the budget).
     */
    void budget(InstanceBudget budget) {
        permits.budget(budget);
        if (counts.activeCount() + counts.availableCount() > 0) {
            agroal.flush(FlushMode.GRACEFUL);
        }
    }

    /** A connection straight from Agroal, outside the pipeline: for the provider's health check. */
    Connection checkedOut() throws SQLException {
        return borrow();
    }

    /**
     * A connection, through the resource's pipeline once the application holds this data source. Every failure is
     * an {@link SQLException} whose cause is the Nebula exception a lease of the resource would have failed with
     * ({@link JdbcRefusals#toJdbc}: all connections in use, {@link SQLTimeoutException}; the backend down or
     * refusing, {@link SQLTransientConnectionException} or {@link SQLNonTransientConnectionException} with the
     * driver's SQLState; circuit open, quarantined, {@code 08001}; closed, {@code 08003}).
     */
    @Override
    public Connection getConnection() throws SQLException {
        HandOutPipeline.Gate<Connection> g = gate;
        if (g == null) {
            return borrow();
        }
        try {
            return g.get();
        } catch (ResourceException e) {
            throw refusals.toJdbc(e);
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("NEBULA-3401 Could not get a connection of '" + resource + "': "
                    + e.getClass().getName(), CONNECTION_EXCEPTION, e);
        }
    }

    /**
     * Agroal's, straight through on success: a hit costs this one call and a read of whether telemetry listens to
     * the connections' events; only when it does, the wait is timed ({@link ConnectionFigures}).
     */
    private Connection borrow() throws SQLException {
        try {
            ConnectionEvents events = figures.events();
            if (events == null) {
                return agroal.getConnection();
            }
            long start = System.nanoTime();
            Connection connection = agroal.getConnection();
            events.waited(System.nanoTime() - start);
            return connection;
        } catch (SQLException e) {
            counts.waited();
            throw explained(e);
        } catch (CredentialUnavailableException e) {
            counts.waited();
            throw loginUnavailable(resource, e);
        } catch (RuntimeException | Error e) {
            counts.waited();
            throw e;
        } finally {
            if (permits.budget() != InstanceBudget.UNLIMITED) {
                permits.settle(); // a creation of this call that failed in the driver gives its permit back
            }
        }
    }

    @Override
    public Connection getReadOnlyConnection() throws SQLException {
        try {
            return agroal.getReadOnlyConnection();
        } catch (SQLException e) {
            counts.waited();
            throw explained(e);
        } catch (CredentialUnavailableException e) {
            counts.waited();
            throw loginUnavailable(resource, e);
        } catch (RuntimeException | Error e) {
            counts.waited();
            throw e;
        }
    }

    /**
     * The credential source could not be read as a connection was opened: a JDBC caller expects an
     * SQLException, and class 08 ("unable to establish") says the connection, not the statement, failed.
     */
    static SQLException loginUnavailable(String resource, CredentialUnavailableException e) {
        return new SQLTransientConnectionException("JDBC resource '" + resource + "': could not open a connection: "
                + e.getMessage(), "08001", e);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("JDBC resource '" + resource + "' is a pool of connections"
                + " for the configured user; set nebula.resource." + resource + ".username instead");
    }

    private SQLException explained(SQLException e) {
        if (closed) {
            return new SQLNonTransientConnectionException("JDBC resource '" + resource + "' is closed", CLOSED_STATE, e);
        }
        // Agroal's only signal for an exhausted pool is this message, with no SQLState; the tests pin it.
        if (e.getSQLState() == null && e.getMessage() != null && e.getMessage().contains("acquisition timeout")) {
            figures.timedOut();
            return new AllConnectionsInUse("JDBC resource '" + resource + "': no connection became free within"
                    + " pool.acquire-timeout (" + acquireTimeout.toMillis() + " ms) or what a retry had left of it; all "
                    + maxSize() + " connections (pool.max-size) were in use", e);
        }
        return e;
    }

    /** Agroal's wait for a free connection ran out: a busy pool, which {@link JdbcRefusals} tells from a driver's timeout. */
    static final class AllConnectionsInUse extends SQLTimeoutException {
        private static final long serialVersionUID = 1L;

        AllConnectionsInUse(String message, SQLException agroals) {
            super(message, null, agroals);
        }
    }

    @Override
    public void close() {
        closed = true;
        agroal.close();
        permits.closed();
    }

    @Override
    public AgroalDataSourceConfiguration getConfiguration() {
        return agroal.getConfiguration();
    }

    /** Agroal's metrics with {@code agroal.metrics=true}; else the counts this provider keeps (see {@link PoolCounts}). */
    @Override
    public AgroalDataSourceMetrics getMetrics() {
        return settings.agroalMetrics() ? agroal.getMetrics() : counts;
    }

    @Override
    public void flush(FlushMode mode) {
        agroal.flush(mode);
    }

    /** Adds the application's interceptors to the provider's own, which stay. */
    @Override
    public void setPoolInterceptors(Collection<? extends AgroalPoolInterceptor> interceptors) {
        List<AgroalPoolInterceptor> all = new ArrayList<>(own);
        if (interceptors != null) {
            all.addAll(interceptors);
        }
        agroal.setPoolInterceptors(all);
    }

    /** The application's interceptors, without the provider's own. */
    @Override
    public List<AgroalPoolInterceptor> getPoolInterceptors() {
        List<AgroalPoolInterceptor> theirs = new ArrayList<>(agroal.getPoolInterceptors());
        theirs.removeIf(i -> own.stream().anyMatch(o -> o == i));
        return theirs;
    }

    @Override
    public boolean isHealthy(boolean newConnection) throws SQLException {
        try {
            return agroal.isHealthy(newConnection);
        } catch (SQLException e) {
            throw explained(e);
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("JDBC resource '" + resource + "' is not a " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return agroal.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        agroal.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        agroal.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return agroal.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return agroal.getParentLogger();
    }

    @Override
    public String toString() {
        return "AgroalDataSource[" + resource + ", kind=" + kind + ", max-size=" + maxSize()
                + (closed ? ", closed" : "") + "]";
    }
}
