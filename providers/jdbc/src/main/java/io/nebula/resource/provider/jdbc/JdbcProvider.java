package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalPoolInterceptor;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalConnectionPoolConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.spi.InstanceBudget;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ConnectionPoolFigures;
import io.nebula.resource.spi.Credentials;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static java.lang.System.Logger.Level.INFO;

/**
 * What the JDBC kinds share: the resource is an Agroal pool (a {@link PooledDataSource}), which pools
 * the connections itself, so the engine holds one shared instance ({@link Topology#RESIDENT}) and
 * never pools on top of it. The {@code pool.*} keys of the resource configure Agroal.
 *
 * <p>A kind says which driver and URL it takes, how to select a schema, and which of its database's
 * errors mean a broken connection or a failure no retry can fix; SQLState classes {@code 08}
 * (connection exception) and {@code 28} (invalid authorization) are common to all.
 */
abstract class JdbcProvider implements ResourceProvider<AgroalDataSource> {

    private final String kind;
    private final String driverClass;
    private final String driverArtifact;
    private final String urlPrefix;

    JdbcProvider(String kind, String driverClass, String driverArtifact, String urlPrefix) {
        this.kind = kind;
        this.driverClass = driverClass;
        this.driverArtifact = driverArtifact;
        this.urlPrefix = urlPrefix;
    }

    // --- what a kind says about itself //

    /** The URL used when {@code url} is not set, or {@code null} when it is required. */
    String defaultUrl(String resource) {
        return null;
    }

    /** An example URL for error messages. */
    abstract String exampleUrl();

    /** Makes new connections start in {@code schema}. */
    abstract void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema);

    /**
     * The statements that bring a session back to how it started (schema, session settings), run on every
     * connection given back when sessions are reset. None unless the kind knows its database's.
     */
    List<String> resetStatements(Optional<String> schema) {
        return List.of();
    }

    /**
     * Bounds the opening of one connection to {@code within} through this driver's per-connection property: every
     * connection to {@code login-timeout}, and one opened for a retry that has less of its budget left to that.
     * Nothing by default (H2 opens no network connection).
     */
    void boundLogin(Properties login, Duration within) {
    }

    /** The kind's defaults for the driver's own properties, each unless the user set it ({@code properties.*}). None by default. */
    void driverDefaults(Properties defaults) {
    }

    /**
     * Undoes, on a connection just opened, what {@link #boundLogin} set that must not outlive the login (a driver
     * whose only bound on the handshake also bounds every later read). Nothing by default.
     */
    void afterLogin(Connection connection, JdbcSettings jdbc) throws SQLException {
    }

    /** Beyond SQLState class 08: whether this database's error means the connection is gone. */
    boolean isBrokenConnection(SQLException error) {
        return false;
    }

    /** Beyond SQLState class 28: whether this database's error cannot be fixed by trying again (unknown database...). */
    boolean isPermanentFailure(SQLException error) {
        return false;
    }

    final String urlPrefix() {
        return urlPrefix;
    }

    // --- the provider //

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final Class<AgroalDataSource> type() {
        return AgroalDataSource.class;
    }

    @Override
    public final Topology topology() {
        return Topology.RESIDENT;
    }

    /** A connection that breaks in the application's hands tells the resource's health at once ({@link ConnectionNews}). */
    @Override
    public final void reportTo(AgroalDataSource instance, BackendSignal signal) {
        if (instance instanceof PooledDataSource dataSource) {
            dataSource.news().reportTo(signal);
        }
    }

    /** The pool's {@code getConnection()} runs through the resource's pipeline: one data source, no wrapper over it. */
    @Override
    public final void handOutThrough(AgroalDataSource instance, HandOutPipeline pipeline) {
        if (instance instanceof PooledDataSource dataSource) {
            dataSource.handOutThrough(pipeline, this::isRetryable);
        }
    }

    /** Agroal's physical connections each take a permit of the session budget (CreationPermits). */
    @Override
    public final boolean countsInstances() {
        return true;
    }

    /**
     * The session budget ({@code cluster.max-instances}, {@code cluster.tenant.max-instances}) given to a pool made
     * without it: a permit before Agroal opens each physical connection, given back when it is closed
     * ({@link CreationPermits}). A refused permit opens nothing: that {@code getConnection()} fails at once with the
     * {@code QuotaExceededException} as the cause. The connections opened before hold no permit and are flushed
     * ({@link PooledDataSource#budget}); the engine gives the budget at creation instead
     * ({@link #create(ResourceSettings, Credentials, InstanceBudget)}), so none is open without a permit.
     */
    @Override
    public final void budgetInstances(AgroalDataSource instance, InstanceBudget budget) {
        if (instance instanceof PooledDataSource dataSource) {
            dataSource.budget(budget);
        }
    }

    /**
     * The connections of the pool, for the telemetry that reports them (OpenTelemetry's {@code db.client.connection.*}
     * with {@code nebula.telemetry.semconv=true}): the engine counts only references to the data source.
     */
    @Override
    public final Optional<ConnectionPoolFigures> connectionPool(AgroalDataSource instance) {
        return instance instanceof PooledDataSource dataSource ? Optional.of(dataSource.figures()) : Optional.empty();
    }

    @Override
    public final Set<Class<?>> views() {
        return Set.of(DataSource.class);
    }

    /**
     * JDBC code catches {@code SQLException}s: a stand-in data source whose pool could not be had (the database was
     * down as the bean was made) refuses as the pool's own {@code getConnection()} refuses for the pipeline, with an
     * {@code SQLTransientConnectionException}, SQLState {@code 08001}, Nebula's exception (and under it the driver's
     * error) as its cause.
     */
    @Override
    public final Exception refusalAs(Class<?> view, ResourceException refusal) {
        return new SQLTransientConnectionException(refusal.getMessage(), PooledDataSource.CONNECTION_EXCEPTION, refusal);
    }

    /** The keys of docs/providers: a resource of this kind with any other (beside the common ones) fails deployment. */
    @Override
    public List<ConfigKey> configKeys() {
        return JdbcSettings.definitions(this);
    }

    @Override
    public final List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        problems.read(() -> JdbcSettings.read(settings, this));
        if (loadDriver().isEmpty()) {
            problems.add(settings.keyOf("kind"), missingDriver());
        }
        return problems.list();
    }

    /** With the credentials written in the settings; the engine calls {@link #create(ResourceSettings, Credentials)}. */
    @Override
    public final AgroalDataSource create(ResourceSettings settings) throws SQLException {
        return create(settings, Credentials.of(settings), InstanceBudget.UNLIMITED);
    }

    /**
     * An Agroal pool whose connections ask {@code credentials} for the user and password as they open, so a
     * rotated credential applies from the next connection on ({@link #renewCredentials} retires the others).
     */
    @Override
    public final AgroalDataSource create(ResourceSettings settings, Credentials credentials) throws SQLException {
        return create(settings, credentials, InstanceBudget.UNLIMITED);
    }

    /** With the session budget from the start and the credentials written in the settings. */
    @Override
    public final AgroalDataSource create(ResourceSettings settings, InstanceBudget budget) throws SQLException {
        return create(settings, Credentials.of(settings), budget);
    }

    /**
     * The pool, whose every physical connection takes a permit of {@code budget} ({@code cluster.max-instances},
     * {@code cluster.tenant.max-instances}), those opened while it is created included ({@link InitialFill}): no
     * session is ever open without a permit. A budget spent already leaves the pool empty rather than failing it.
     */
    @Override
    public final AgroalDataSource create(ResourceSettings settings, Credentials credentials, InstanceBudget budget)
            throws SQLException {
        JdbcSettings jdbc = JdbcSettings.read(settings, this);
        Class<?> driver = loadDriver().orElseThrow(() -> new DriverNotFoundException(settings.name(), missingDriver()));
        JdbcLogin login = new JdbcLogin(settings.name(), credentials);
        List<AgroalPoolInterceptor> own = new ArrayList<>();
        if (!jdbc.sessionReset().isEmpty()) {
            own.add(new SessionReset(settings.name(), jdbc.sessionReset()));
        }
        // Agroal's metrics time every acquisition (two clock reads on a hit); check() needs only the counts, which
        // PoolCounts keeps from Agroal's events. agroal.metrics=true turns them on for those who want the times.
        ConnectionNews news = new ConnectionNews();
        AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(jdbc.agroalMetrics())
                .connectionPoolConfiguration(pool -> poolConfiguration(pool, jdbc, news)
                        .connectionFactoryConfiguration(factory -> factoryConfiguration(factory, jdbc, driver, login)));
        PoolCounts counts = new PoolCounts();
        CreationPermits permits = new CreationPermits(
                settings.duration(CreationPermits.RELEASE_DELAY_KEY, CreationPermits.DEFAULT_RELEASE_DELAY));
        permits.budget(budget); // before the first connection: InitialFill's take their permits too
        BoundedWait bounded = new BoundedWait(configuration.get());
        ConnectionFigures figures = new ConnectionFigures(counts, bounded::connectionPoolConfiguration);
        login.bound(bounded, (properties, left) -> boundLogin(properties,
                jdbc.loginTimeout().isZero() || left.compareTo(jdbc.loginTimeout()) < 0 ? left : jdbc.loginTimeout()),
                connection -> afterLogin(connection, jdbc));
        PooledDataSource dataSource = new PooledDataSource(settings.name(), kind, jdbc,
                AgroalDataSource.from(bounded,
                        new AgroalEvents(counts, login, new PoolEventLog(settings.name(), jdbc.leakThreshold()), figures,
                                permits)),
                login, own, counts, news, bounded, figures, permits);
        try {
            // Opened now rather than at first use, so a wrong password or database fails the resource at
            // start-up, classified by isRetryable; the connections stay in the pool for the first callers.
            // Here, not by Agroal in the background: its initial fill can strand a caller (see InitialFill).
            InitialFill.open(dataSource);
        } catch (SQLException | RuntimeException e) {
            dataSource.close();
            throw e;
        }
        PoolEventLog.LOG.log(INFO, "NEBULA-2501 JDBC resource ''{0}'' ({1}) started: {2} to {3} connections",
                settings.name(), kind, jdbc.minSize(), jdbc.maxSize());
        return dataSource;
    }

    private AgroalConnectionPoolConfigurationSupplier poolConfiguration(AgroalConnectionPoolConfigurationSupplier pool,
                                                                        JdbcSettings jdbc, ConnectionNews news) {
        pool.maxSize(jdbc.maxSize())
                .minSize(jdbc.minSize())
                // InitialFill opens pool.min-size before the pool is handed out; Agroal's own fill races callers.
                .initialSize(0)
                // Agroal reads zero as "wait forever"; here zero means "fail at once when none is free".
                .acquisitionTimeout(jdbc.acquireTimeout().isZero() ? Duration.ofNanos(1) : jdbc.acquireTimeout())
                .leakTimeout(jdbc.leakThreshold())
                .reapTimeout(reapTimeout(jdbc.minSize(), jdbc.maxSize(), jdbc.idleTimeout()))
                .maxLifetime(jdbc.maxLifetime())
                .validationTimeout(jdbc.keepaliveInterval()) // Agroal's interval of background validation
                .connectionValidator(jdbc.validationQuery()
                        .map(query -> ConnectionValidator.sqlValidator(query, jdbc.validationTimeout()))
                        .orElseGet(() -> ConnectionValidator.defaultValidatorWithTimeout(jdbc.validationTimeoutSeconds())))
                // A broken connection is discarded; so is one whose session could not be reset (its state is unknown).
                .exceptionSorter(e -> brokenConnection(e, news) || SessionReset.inProgress())
                // Retries belong to the resource's retry.* policy, which knows what isRetryable says.
                .establishmentRetryAttempts(0);
        if (jdbc.validationBypass().isZero()) {
            pool.validateOnBorrow(true);
        } else {
            pool.idleValidationTimeout(jdbc.validationBypass());
        }
        return pool;
    }

    /**
     * Agroal's reaper closes idle connections only while the pool holds more than {@code pool.min-size}, so a pool
     * whose min and max sizes are equal has nothing to reap; with reaping on, Agroal would still stamp every
     * connection on each acquisition and each return (a clock read each, a third of what the provider's settings
     * cost a pool hit). Off then; {@code pool.idle-timeout} as configured otherwise.
     */
    static Duration reapTimeout(int minSize, int maxSize, Duration idleTimeout) {
        return minSize < maxSize ? idleTimeout : Duration.ZERO;
    }

    private AgroalConnectionFactoryConfigurationSupplier factoryConfiguration(
            AgroalConnectionFactoryConfigurationSupplier factory, JdbcSettings jdbc, Class<?> driver, JdbcLogin login) {
        factory.jdbcUrl(jdbc.url())
                .connectionProviderClass(driver)
                .loginTimeout(jdbc.loginTimeout())
                .addSecurityProvider(login)
                .credential(login); // user and password are fetched from it at each connection
        jdbc.driverProperties().forEach(factory::jdbcProperty);
        Properties defaults = new Properties();
        driverDefaults(defaults);
        defaults.stringPropertyNames().stream().filter(p -> !jdbc.driverProperties().containsKey(p))
                .forEach(p -> factory.jdbcProperty(p, defaults.getProperty(p)));
        if (!jdbc.loginTimeout().isZero()) {
            // Agroal gives login-timeout to the JVM-wide DriverManager, which PostgreSQL's driver never reads (its own
            // loginTimeout defaults to 0, wait forever) and MariaDB's reads at each connection, whatever resource set it
            // last. So each connection also gets it as the driver's own property, unless the user set that one.
            Properties own = new Properties();
            boundLogin(own, jdbc.loginTimeout());
            own.stringPropertyNames().stream().filter(p -> !jdbc.driverProperties().containsKey(p))
                    .forEach(p -> factory.jdbcProperty(p, own.getProperty(p)));
        }
        jdbc.schema().ifPresent(schema -> selectSchema(factory, schema));
        return factory;
    }

    @Override
    public final HealthStatus check(AgroalDataSource instance, CheckDepth depth) {
        if (!(instance instanceof PooledDataSource dataSource)) {
            return HealthStatus.down("not a data source made by the " + kind + " provider: " + instance);
        }
        if (dataSource.isClosed()) {
            return HealthStatus.down("JDBC resource '" + dataSource.resource() + "' is closed");
        }
        // Waiting for a free connection would say nothing about the database and hold the checker up.
        if (dataSource.isExhausted()) {
            return withPoolCounts(exhausted(dataSource), dataSource);
        }
        JdbcSettings jdbc = dataSource.settings();
        // Agroal's connection, not the pipeline's: a check asks the database. Through the pipeline, an open circuit
        // would refuse the very check that is to find the database back (CircuitProber), and a check would be retried
        // and counted as an application's acquisition.
        try (Connection connection = dataSource.checkedOut()) {
            if (depth == CheckDepth.SHALLOW) {
                if (!connection.isValid(jdbc.validationTimeoutSeconds())) {
                    return withPoolCounts(HealthStatus.down("the driver reports the connection as not valid"), dataSource);
                }
            } else {
                try (Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout(jdbc.validationTimeoutSeconds());
                    try (ResultSet result = statement.executeQuery(jdbc.probeQuery())) {
                        result.next();
                    }
                }
            }
            return withPoolCounts(HealthStatus.up(), dataSource);
        } catch (SQLTimeoutException e) {
            return withPoolCounts(dataSource.isExhausted() ? exhausted(dataSource) : HealthStatus.down(e), dataSource);
        } catch (SQLException | RuntimeException e) {
            return withPoolCounts(HealthStatus.down(e), dataSource);
        }
    }

    private static HealthStatus exhausted(PooledDataSource dataSource) {
        return HealthStatus.degraded("every connection is in use (pool.max-size=" + dataSource.maxSize() + ")");
    }

    private static HealthStatus withPoolCounts(HealthStatus status, PooledDataSource dataSource) {
        var metrics = dataSource.counts();
        return status.withDetail("active", metrics.activeCount())
                .withDetail("available", metrics.availableCount())
                .withDetail("awaiting", metrics.awaitingCount())
                .withDetail("max-size", dataSource.maxSize());
    }

    /**
     * Rotates in place: Agroal opens new connections with the new credentials and flushes the old ones
     * gracefully (idle ones at once, the others as they are given back), so no caller fails.
     */
    @Override
    public final boolean renewCredentials(AgroalDataSource instance) {
        if (instance instanceof PooledDataSource dataSource && !dataSource.isClosed()) {
            dataSource.login().rotate();
            return true;
        }
        return false;
    }

    /** A healthy pool can always be shared further; only a closed one cannot. */
    /** Applies the new sizes to the data source's Agroal pool, live: no connection in use is closed. */
    @Override
    public final void resized(AgroalDataSource instance, int minSize, int maxSize) {
        if (instance instanceof PooledDataSource dataSource && !dataSource.isClosed()) {
            dataSource.resize(minSize, maxSize);
        }
    }

    /**
     * Applies the new {@code pool.acquire-timeout} to the data source's Agroal pool, live: a {@code getConnection()}
     * that begins to wait for a free connection from now on waits at most {@code acquireTimeout}; one already waiting
     * keeps its own. {@code login-timeout}, whose default follows the acquire timeout, keeps the value the data source
     * was made with.
     */
    @Override
    public final void acquireTimeoutChanged(AgroalDataSource instance, java.time.Duration acquireTimeout) {
        if (instance instanceof PooledDataSource dataSource && !dataSource.isClosed()) {
            dataSource.acquireTimeout(acquireTimeout);
        }
    }

    @Override
    public final boolean recycle(AgroalDataSource instance) {
        return !(instance instanceof PooledDataSource dataSource) || !dataSource.isClosed();
    }

    @Override
    public final void destroy(AgroalDataSource instance) {
        if (instance instanceof PooledDataSource dataSource && dataSource.isClosed()) {
            return;
        }
        try {
            instance.close();
        } catch (RuntimeException e) {
            PoolEventLog.LOG.log(System.Logger.Level.WARNING, "NEBULA-2502 closing JDBC resource " + instance
                    + " failed; its connections may stay open until the database drops them", e);
        }
    }

    /**
     * Fatal: the connection or the pool is gone (SQLState class 08, a closed pool, the kind's own
     * codes such as PostgreSQL's admin shutdown). Not fatal: what a statement got wrong (syntax,
     * constraint, a deadlock), after which the connection works on.
     */
    @Override
    public final boolean isFatal(Throwable error) {
        for (SQLException e : sqlErrors(error)) {
            if (isConnectionError(e)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e}, raised by a connection in use, means it is broken; if so the resource's health hears of it. */
    private boolean brokenConnection(SQLException e, ConnectionNews news) {
        if (isConnectionError(e)) {
            news.broke(e);
            return true;
        }
        return false;
    }

    private boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08") || isBrokenConnection(e);
    }

    /** Not retryable: bad credentials (SQLState class 28), the kind's permanent failures, a missing driver, bad settings. */
    @Override
    public final boolean isRetryable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigurationInvalidException || t instanceof DriverNotFoundException) {
                return false;
            }
        }
        for (SQLException e : sqlErrors(error)) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("28") || isPermanentFailure(e)) {
                return false;
            }
        }
        return true;
    }

    /** Every SQLException in an error's causes and chained next exceptions, each once. */
    static List<SQLException> sqlErrors(Throwable error) {
        List<SQLException> found = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>();
        pending.add(error);
        while (!pending.isEmpty() && seen.size() < 64) {
            Throwable t = pending.remove(pending.size() - 1);
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException sql) {
                found.add(sql);
                pending.add(sql.getNextException());
            }
            pending.add(t.getCause());
        }
        return found;
    }

    private Optional<Class<?>> loadDriver() {
        // The application's class loader first: in a server the driver usually sits next to the application.
        for (ClassLoader loader : new ClassLoader[]{Thread.currentThread().getContextClassLoader(),
                JdbcProvider.class.getClassLoader()}) {
            if (loader != null) {
                try {
                    return Optional.of(Class.forName(driverClass, false, loader));
                } catch (ClassNotFoundException | LinkageError ignored) {
                    // try the next loader
                }
            }
        }
        return Optional.empty();
    }

    private String missingDriver() {
        return "kind " + kind + " needs the JDBC driver " + driverClass + " on the class path: add the dependency "
                + driverArtifact;
    }

    @Override
    public String toString() {
        return "JDBC provider " + kind + " (" + driverClass + ")";
    }
}
