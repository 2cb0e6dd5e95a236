package io.nebula.resource.benchmarks.nebula;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Pools plain JDBC connections in the core engine, one lease per connection, as a provider of a
 * driver with no pool of its own would. The benchmarks use it over the stub driver (to compare the
 * core pool with HikariCP on equal connections) and over PostgreSQL (to measure a pool miss).
 */
public final class ConnectionProvider implements ResourceProvider<Connection> {

    /** Opens one connection. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final String kind;
    private final Connector connector;

    public ConnectionProvider(String kind, Connector connector) {
        this.kind = kind;
        this.connector = connector;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Class<Connection> type() {
        return Connection.class;
    }

    @Override
    public Connection create(ResourceSettings settings) throws SQLException {
        return connector.connect();
    }

    @Override
    public HealthStatus check(Connection instance, CheckDepth depth) {
        try {
            return instance.isValid(5) ? HealthStatus.up() : HealthStatus.down("the driver reports the connection as not valid");
        } catch (SQLException e) {
            return HealthStatus.down(e);
        }
    }

    @Override
    public void destroy(Connection instance) {
        try {
            instance.close();
        } catch (SQLException ignored) {
            // destroy never throws; a connection that fails to close is gone all the same
        }
    }
}
