package io.nebula.resource.benchmarks.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver whose connections do nothing, so that a benchmark of a connection pool measures the
 * pool and nothing else. It accepts URLs of the form {@code jdbc:stub:<anything>}.
 *
 * <p>This is the method of HikariCP's own benchmark: every pool under test wraps the same
 * do-nothing connection, so any difference between them is the pool's.
 */
public final class StubDriver implements Driver {

    /** A URL this driver accepts. */
    public static final String URL = "jdbc:stub:benchmark";

    private static final String PREFIX = "jdbc:stub:";

    /** Whether connecting fails, as with a database that is down; read only when a connection is made, never on a hit. */
    private static volatile boolean refusing;

    static {
        try {
            DriverManager.registerDriver(new StubDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** From now on, connecting fails with SQLState {@code 08001} ({@code true}) or succeeds again. */
    public static void refusing(boolean refuse) {
        refusing = refuse;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        if (refusing) {
            throw new SQLException("the stub database refuses connections", "08001");
        }
        return new StubConnection();
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the stub driver does not log");
    }
}
