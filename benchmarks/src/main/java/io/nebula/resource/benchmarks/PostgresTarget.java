package io.nebula.resource.benchmarks;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The real database of the pool-miss suite: the local PostgreSQL of the project's machines
 * (127.0.0.1:5432, database {@code test}, trust authentication). Override with
 * {@code -Dnebula.bench.pg.url=...} and {@code -Dnebula.bench.pg.user=...}.
 */
final class PostgresTarget {

    static final String URL = System.getProperty("nebula.bench.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("nebula.bench.pg.user", "postgres");

    private final Driver driver = new org.postgresql.Driver();
    private final Properties properties = new Properties();

    PostgresTarget() {
        properties.setProperty("user", USER);
    }

    /** Opens a connection with the driver itself: no pool, no DriverManager lookup. */
    Connection connect() throws SQLException {
        Connection connection = driver.connect(URL, properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + URL);
        }
        return connection;
    }
}
