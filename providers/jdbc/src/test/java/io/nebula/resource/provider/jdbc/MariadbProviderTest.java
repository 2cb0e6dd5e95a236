package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
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

/** The MariaDB kind against the local server (root, no password). */
class MariadbProviderTest {

    private final MariadbProvider provider = new MariadbProvider();
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
    void aWrongPasswordFailsCreationAndIsNotRetryable() {
        ResourceSettings settings = Databases.mariadb("orders-db", "password", "Wrong-Secret-5");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(1045);
            assertThat(provider.isRetryable(e)).isFalse();
            assertThat(e.getMessage()).doesNotContain("Wrong-Secret-5");
        });
    }

    @Test
    void anUnknownDatabaseFailsCreationAndIsNotRetryable() {
        ResourceSettings settings = Databases.mariadb("orders-db", "url", "jdbc:mariadb://127.0.0.1:3306/nebula_no_such_db");
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
        AgroalDataSource ds = create(Databases.mariadb("billing-db", "schema", "nebula_billing"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT DATABASE()")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("nebula_billing");
        }
    }

    @Test
    void aKilledConnectionIsFatalAndDroppedFromThePool() throws SQLException {
        AgroalDataSource ds = create(Databases.mariadb("orders-db", "pool.max-size", "1",
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
    void maxSizeIsHonoured() throws SQLException {
        AgroalDataSource ds = create(Databases.mariadb("orders-db", "pool.max-size", "1", "pool.acquire-timeout", "500ms"));
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
