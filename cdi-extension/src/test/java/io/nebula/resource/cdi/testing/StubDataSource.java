package io.nebula.resource.cdi.testing;

import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.HandOutPipeline;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** A pool of pretend connections, as an Agroal data source is one: the instance of a {@code test-datasource} resource. */
public final class StubDataSource implements DataSource {

    private final String resource;
    private final AtomicInteger open = new AtomicInteger();
    private volatile HandOutPipeline.Gate<Connection> gate;

    StubDataSource(String resource) {
        this.resource = resource;
    }

    /** Connections handed out and not yet closed. */
    public int open() {
        return open.get();
    }

    /** The resource's pipeline around {@link #connect()}, as the JDBC provider's data source puts itself behind it. */
    void handOutThrough(HandOutPipeline pipeline) {
        gate = pipeline.around(this::connect);
    }

    /** Through the pipeline once the application holds it; its refusals as SQLState 08001, as the JDBC provider does. */
    @Override
    public Connection getConnection() throws SQLException {
        HandOutPipeline.Gate<Connection> g = gate;
        if (g == null) {
            return connect();
        }
        try {
            return g.get();
        } catch (ResourceException e) {
            throw new SQLTransientConnectionException(e.getMessage(), "08001", e);
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }

    private Connection connect() throws SQLException {
        switch (FlakyBackend.attempt(resource)) {
            case DOWN -> throw new SQLException("Connection to " + resource + " refused", "08001");
            case REFUSING -> throw new SQLException("password authentication failed for user \"app\"", "28P01");
            default -> {
            }
        }
        open.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        open.decrementAndGet();
                        yield null;
                    }
                    case "isValid" -> true;
                    case "toString" -> "Connection[" + resource + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new SQLFeatureNotSupportedException(method.getName());
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a resource is a pool for its configured user");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "StubDataSource[" + resource + "]";
    }
}
