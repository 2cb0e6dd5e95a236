package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The PostgreSQL kind against the local server: Agroal's settings really apply, errors are classified. */
class PostgresqlProviderTest {

    private final PostgresqlProvider provider = new PostgresqlProvider();
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
    void maxSizeIsHonouredAndTheServerSeesNoMoreSessions() throws SQLException {
        String application = "nebula-max-" + UUID.randomUUID();
        AgroalDataSource ds = create(Databases.postgresql("orders-db", "pool.max-size", "2",
                "pool.acquire-timeout", "1s", "properties.ApplicationName", application));

        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            assertThatThrownBy(ds::getConnection).isInstanceOfSatisfying(SQLTimeoutException.class, e -> {
                assertThat(e.getMessage()).contains("'orders-db'", "all 2 connections (pool.max-size)",
                        "pool.acquire-timeout (1000 ms)");
                assertThat(provider.isFatal(e)).as("an exhausted pool is not a broken one").isFalse();
            });
            assertThat(sessionsOf(application)).isEqualTo(2);
        }
        try (Connection again = ds.getConnection()) {
            assertThat(again.isValid(1)).isTrue();
        }
    }

    @Test
    void minSizeKeepsThatManySessionsOpenWithTheDriverPropertiesApplied() throws SQLException {
        String application = "nebula-min-" + UUID.randomUUID();
        create(Databases.postgresql("orders-db", "pool.min-size", "3", "pool.max-size", "5",
                "properties.ApplicationName", application));

        // create() opens the minimum before it returns (InitialFill), none on top.
        assertThat(sessionsOf(application)).isEqualTo(3);
    }

    @Test
    void theApplicationNameOutlivesTheSessionReset() throws SQLException {
        String application = "nebula-reset-" + UUID.randomUUID();
        AgroalDataSource ds = create(Databases.postgresql("orders-db", "pool.max-size", "1", "session.reset", "true",
                "properties.ApplicationName", application));
        int[] pid = new int[2];
        for (int i = 0; i < 2; i++) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select pg_backend_pid(), current_setting('application_name')")) {
                r.next();
                pid[i] = r.getInt(1);
                assertThat(r.getString(2)).as("the application name, use " + (i + 1)).isEqualTo(application);
            } // given back: DISCARD ALL
        }
        assertThat(pid[1]).as("the same session, reset in between").isEqualTo(pid[0]);
    }

    @Test
    void aSessionKilledWhileIdleIsReplacedWhenBorrowValidationIsOn() throws SQLException {
        AgroalDataSource ds = create(Databases.postgresql("orders-db", "pool.max-size", "1",
                "pool.validation-bypass", "0"));
        int killed = backendPid(ds);
        terminate(killed);

        assertThat(backendPid(ds)).as("a fresh session").isNotEqualTo(killed);
    }

    @Test
    void aSessionKilledWithinTheBypassWindowFailsFatallyAndIsDropped() throws SQLException {
        AgroalDataSource ds = create(Databases.postgresql("orders-db", "pool.max-size", "1",
                "pool.validation-bypass", "1h"));
        int killed = backendPid(ds);
        terminate(killed);

        SQLException error = catchSqlError(() -> backendPid(ds));
        assertThat((Throwable) error).as("the dead session is handed out unvalidated").isNotNull();
        assertThat(provider.isFatal(error)).as("isFatal(%s, SQLState %s)", error, error.getSQLState()).isTrue();
        assertThat(backendPid(ds)).as("Agroal dropped the broken connection").isNotEqualTo(killed);
    }

    @Test
    void theSchemaBecomesTheSearchPath() throws SQLException {
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS nebula_billing");
        }
        AgroalDataSource ds = create(Databases.postgresql("billing-db", "schema", "nebula_billing"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("nebula_billing");
        }
    }

    @Test
    void anUnknownRoleFailsCreationAndIsNotRetryable() {
        ResourceSettings settings = Databases.postgresql("orders-db", "username", "nebula_no_such_role",
                "password", "Role-Secret-3");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).startsWith("28");
            assertThat(provider.isRetryable(e)).isFalse();
            assertThat(e.getMessage()).doesNotContain("Role-Secret-3");
        });
    }

    @Test
    void anUnknownDatabaseFailsCreationAndIsNotRetryable() {
        ResourceSettings settings = Databases.postgresql("orders-db",
                "url", "jdbc:postgresql://127.0.0.1:5432/nebula_no_such_db");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("3D000");
            assertThat(provider.isRetryable(e)).isFalse();
        });
    }

    @Test
    void anUnreachableServerIsRetryableAndFatal() {
        ResourceSettings settings = Databases.postgresql("orders-db", "url", "jdbc:postgresql://127.0.0.1:1/test",
                "login-timeout", "2s");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).startsWith("08");
            assertThat(provider.isRetryable(e)).isTrue();
            assertThat(provider.isFatal(e)).isTrue();
        });
    }

    // --- //

    private static int backendPid(AgroalDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection admin = admin(); PreparedStatement s = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            s.setInt(1, pid);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertThat(r.getBoolean(1)).as("terminated %s", pid).isTrue();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !isRunning(pid));
    }

    private static boolean isRunning(int pid) throws SQLException {
        try (Connection admin = admin();
             PreparedStatement s = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            s.setInt(1, pid);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1) > 0;
            }
        }
    }

    private static int sessionsOf(String application) throws SQLException {
        try (Connection admin = admin(); PreparedStatement s = admin.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, application);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
    }

    interface SqlAction {
        void run() throws SQLException;
    }

    private static SQLException catchSqlError(SqlAction action) {
        try {
            action.run();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }
}
