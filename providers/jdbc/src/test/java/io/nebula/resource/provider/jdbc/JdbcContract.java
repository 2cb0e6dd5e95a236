package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.provider.contract.ProviderContract;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The provider contract, with what the JDBC kinds have in common. */
abstract class JdbcContract extends ProviderContract<AgroalDataSource> {

    @Override
    protected Throwable useClosedInstance(AgroalDataSource destroyed) {
        try (Connection ignored = destroyed.getConnection()) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    @Override
    protected Throwable provokeNonFatalError(AgroalDataSource instance) throws SQLException {
        try (Connection c = instance.getConnection(); Statement s = c.createStatement()) {
            // execute, not executeQuery: Connector/J refuses to send executeQuery a statement it cannot read as a
            // query (SQLState S1009) before the database sees its syntax
            s.execute("SELEC 1");
            return null;
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as("a syntax error").startsWith("42");
            return e;
        }
    }

    @Override
    protected void useInstance(AgroalDataSource instance) throws SQLException {
        try (Connection c = instance.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT 40 + 2")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(42);
        }
    }
}
