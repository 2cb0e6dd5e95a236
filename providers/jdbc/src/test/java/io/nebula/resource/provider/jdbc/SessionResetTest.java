package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's connection is given back as it started: what one workflow changed in its session (search_path,
 * settings, role, temporary tables) is gone before the next one gets the same connection. Against the real
 * PostgreSQL and MariaDB.
 */
class SessionResetTest {

    private final String schema = "nebula_reset_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<AgroalDataSource> created = new ArrayList<>();

    @BeforeEach
    void createSchemas() throws SQLException {
        try (Connection c = DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE SCHEMA " + schema + "_other");
        }
        try (Connection c = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + schema);
        }
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        created.forEach(AgroalDataSource::close);
        try (Connection c = DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
            s.execute("DROP SCHEMA " + schema + "_other CASCADE");
        }
        try (Connection c = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", "root", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE " + schema);
        }
    }

    private AgroalDataSource create(JdbcProvider provider, ResourceSettings settings) throws SQLException {
        AgroalDataSource ds = provider.create(settings);
        created.add(ds);
        return ds;
    }

    @Test
    void aTenantsPostgresqlSessionIsResetBeforeTheConnectionIsReused() throws SQLException {
        AgroalDataSource ds = create(new PostgresqlProvider(), Databases.postgresql("tenant-db", "scope", "tenant",
                "schema", schema, "pool.max-size", "1"));
        int pid;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            pid = backendPid(s);
            assertThat(text(s, "SHOW search_path")).isEqualTo(schema);
            s.execute("SET search_path TO " + schema + "_other");
            s.execute("SET statement_timeout TO 1234");
            s.execute("SET ROLE pg_monitor");
            s.execute("CREATE TEMP TABLE scratch (x int)");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(backendPid(s)).as("the same connection, reused").isEqualTo(pid);
            assertThat(text(s, "SHOW search_path")).as("back to the tenant's schema").isEqualTo(schema);
            assertThat(text(s, "SELECT current_schema()")).isEqualTo(schema);
            assertThat(text(s, "SHOW statement_timeout")).isEqualTo("0");
            assertThat(text(s, "SELECT current_user")).isEqualTo("postgres");
            assertThat(text(s, "SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'")).isEqualTo("0");
        }
    }

    @Test
    void withoutTenantScopeTheSessionIsLeftAsItIsUnlessAskedFor() throws SQLException {
        AgroalDataSource plain = create(new PostgresqlProvider(), Databases.postgresql("orders-db", "schema", schema,
                "pool.max-size", "1"));
        try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema + "_other");
        }
        try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
            assertThat(text(s, "SHOW search_path")).as("no reset: what the test above proves is not a given")
                    .isEqualTo(schema + "_other");
        }

        AgroalDataSource asked = create(new PostgresqlProvider(), Databases.postgresql("orders-db", "schema", schema,
                "pool.max-size", "1", "session.reset", "true"));
        try (Connection c = asked.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema + "_other");
        }
        try (Connection c = asked.getConnection(); Statement s = c.createStatement()) {
            assertThat(text(s, "SHOW search_path")).isEqualTo(schema);
        }
    }

    @Test
    void aConnectionWhoseResetFailsIsDiscardedAndTheCallerSeesNothing() throws SQLException {
        AgroalDataSource ds = create(new PostgresqlProvider(), Databases.postgresql("tenant-db", "scope", "tenant",
                "pool.max-size", "1", "session.reset-sql", "RESET ALL; SELECT no_such_function()"));
        int first;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            first = backendPid(s);
        } // the reset fails here, silently for the caller
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(backendPid(s)).as("a fresh connection: the one in an unknown state was dropped").isNotEqualTo(first);
        }
    }

    @Test
    void aTenantsMariadbConnectionGoesBackToItsDatabase() throws SQLException {
        AgroalDataSource ds = create(new MariadbProvider(), Databases.mariadb("tenant-db", "scope", "tenant",
                "schema", schema, "pool.max-size", "1"));
        long id;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            id = Long.parseLong(text(s, "SELECT CONNECTION_ID()"));
            assertThat(text(s, "SELECT DATABASE()")).isEqualTo(schema);
            s.execute("USE mysql");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(Long.parseLong(text(s, "SELECT CONNECTION_ID()"))).isEqualTo(id);
            assertThat(text(s, "SELECT DATABASE()")).isEqualTo(schema);
        }
    }

    private static int backendPid(Statement s) throws SQLException {
        return Integer.parseInt(text(s, "SELECT pg_backend_pid()"));
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
