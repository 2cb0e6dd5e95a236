package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kind {@code mysql}: MySQL Connector/J against the local MariaDB server (root, no password). */
class MysqlProviderTest {

    private final MysqlProvider provider = new MysqlProvider();
    private final List<AgroalDataSource> created = new ArrayList<>();

    @AfterEach
    void destroy() {
        created.forEach(provider::destroy);
    }

    private AgroalDataSource create(ResourceSettings settings) throws SQLException {
        AgroalDataSource ds = provider.create(settings);
        created.add(ds);
        return ds;
    }

    @Test
    void aConnectionFromThePoolRunsQueriesThroughConnectorJ() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "pool.max-size", "2"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT 6 * 7, DATABASE()")) {
            assertThat(c.getMetaData().getDriverName()).isEqualTo("MySQL Connector/J");
            assertThat(c.getMetaData().getURL()).startsWith("jdbc:mysql:");
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(42);
            assertThat(r.getString(2)).isEqualTo("test");
        }
    }

    @Test
    void theValidationQueryRunsInTheDeepCheckAndAFailingOneIsDown() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "validation-query", "SELECT 1 FROM DUAL"));
        assertThat(provider.check(ds, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(provider.check(ds, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);

        AgroalDataSource broken = create(Databases.mysql("broken-db", "validation-query",
                "SELECT no_such_column FROM DUAL"));
        assertThat(provider.check(broken, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.DOWN);
    }

    @Test
    void aConnectionKilledWhileIdleIsValidatedAwayBeforeItIsHandedOut() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "pool.max-size", "1",
                "pool.validation-bypass", "0", "validation-query", "SELECT 1"));
        long killed = connectionId(ds);
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("KILL " + killed);
        }
        assertThat(connectionId(ds)).as("validated on borrow, replaced by a fresh one").isNotEqualTo(killed);
    }

    @Test
    void aKilledConnectionIsFatalAndDroppedFromThePool() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "pool.max-size", "1",
                "pool.validation-bypass", "1h"));
        long killed = connectionId(ds);
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("KILL " + killed);
        }

        SQLException error = null;
        try {
            connectionId(ds);
        } catch (SQLException e) {
            error = e;
        }
        assertThat((Throwable) error).as("the killed connection is handed out unvalidated").isNotNull();
        assertThat(provider.isFatal(error)).as("isFatal(%s, SQLState %s, code %s)", error, error.getSQLState(),
                error.getErrorCode()).isTrue();
        assertThat(connectionId(ds)).as("a fresh connection").isNotEqualTo(killed);
    }

    @Test
    void aWrongPasswordFailsCreationClearlyWithoutTheSecretAndIsNotRetryable() {
        ResourceSettings settings = Databases.mysql("orders-db", "password", "Wrong-Secret-5");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(1045);
            assertThat(e.getSQLState()).startsWith("28");
            assertThat(e.getMessage()).contains("Access denied for user 'root'");
            assertThat(provider.isRetryable(e)).isFalse();
            assertThat(provider.isFatal(e)).isFalse();
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("Wrong-Secret-5");
            }
        });
    }

    @Test
    void anUnknownDatabaseFailsCreationAndIsNotRetryable() {
        ResourceSettings settings = Databases.mysql("orders-db", "url", "jdbc:mysql://127.0.0.1:3306/nebula_no_such_db");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(1049);
            assertThat(provider.isRetryable(e)).isFalse();
        });
    }

    @Test
    void theSchemaIsTheDatabaseNewConnectionsUse() throws SQLException {
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS nebula_billing");
        }
        AgroalDataSource ds = create(Databases.mysql("billing-db", "schema", "nebula_billing"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT DATABASE()")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("nebula_billing");
        }
    }

    /**
     * Connector/J bounds a login only by {@code socketTimeout}, which the provider sets to {@code login-timeout} for
     * the login and then takes back: a statement may run longer than a login may take (BoundedLoginTest has the
     * login side), also on a connection opened for a retry with little of its budget left.
     */
    @Test
    void aStatementMayRunLongerThanTheLoginTimeout() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "login-timeout", "1s"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT SLEEP(1.5), 7")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(2)).isEqualTo(7);
            assertThat(c.getNetworkTimeout()).isZero();
        }
    }

    @Test
    void theUsersOwnSocketTimeoutStaysAfterTheLogin() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "login-timeout", "1s",
                "properties.socketTimeout", "60000"));
        try (Connection c = ds.getConnection()) {
            assertThat(c.getNetworkTimeout()).isEqualTo(60000);
        }
    }

    @Test
    void maxSizeIsHonoured() throws SQLException {
        AgroalDataSource ds = create(Databases.mysql("orders-db", "pool.max-size", "1", "pool.acquire-timeout", "500ms"));
        try (Connection held = ds.getConnection()) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class);
        }
    }

    private static long connectionId(AgroalDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT CONNECTION_ID()")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", "root", "");
    }
}
