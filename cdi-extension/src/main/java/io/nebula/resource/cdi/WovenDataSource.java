package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.cdi.resilience.Acquisition;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The {@code DataSource} a user injects for a resource whose instance is one (an Agroal pool): a thin layer
 * whose {@code getConnection()} passes through the resource's {@link AcquisitionChain} (tracing, metrics,
 * quarantine, circuit breaker, retry, timeout, bulkhead) and then asks the real data source. Generic over
 * {@code javax.sql.DataSource}: it knows nothing of Agroal or of the JDBC provider.
 *
 * <p>A refusal of the chain (circuit open, quarantined, bulkhead full, attempt timeout) reaches JDBC code as an
 * {@link SQLTransientConnectionException} with SQLState {@code 08001} whose cause is the Nebula exception; the
 * data source's own {@code SQLException}s pass unchanged. {@link #unwrap} reaches the real data source.
 *
 * <p>Per call it costs the chain and one read of the caller's scopes. On a pool hit with the default fault
 * tolerance (circuit breaker and retry, no timeout, no bulkhead), no telemetry backend and no workflow scope
 * active, nothing is allocated here: the chain is one object, the closed circuit is a volatile read, the retry
 * has no state until a first attempt fails, and the context outside every scope is a constant.
 */
final class WovenDataSource implements DataSource {

    private static final String CONNECTION_EXCEPTION = "08001";

    private final String resource;
    private final DataSource delegate;
    private final Acquisition<Connection> connections;
    private final Supplier<ResourceContext> context;

    WovenDataSource(String resource, DataSource delegate, Acquisition<Connection> connections, Supplier<ResourceContext> context) {
        this.resource = resource;
        this.delegate = delegate;
        this.connections = connections;
        this.context = context;
    }

    boolean wraps(DataSource raw) {
        return delegate == raw;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return connections.acquire(context.get(), null);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof ResourceException r) {
                throw new SQLTransientConnectionException(r.getMessage(), CONNECTION_EXCEPTION, r);
            }
            throw e;
        } catch (Exception e) {
            throw new SQLException("NEBULA-3401 Could not get a connection of '" + resource + "': "
                    + e.getClass().getName(), CONNECTION_EXCEPTION, e);
        }
    }

    /** Refused like the underlying data source refuses it: a resource is a pool for its configured user. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return delegate.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(delegate) || iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "DataSource[" + resource + " over " + delegate + "]";
    }
}
