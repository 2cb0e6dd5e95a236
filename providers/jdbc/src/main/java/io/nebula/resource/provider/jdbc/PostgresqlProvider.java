package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Kind {@code postgresql}: an Agroal pool of PostgreSQL connections. Needs the driver
 * {@code org.postgresql:postgresql} on the class path.
 */
public final class PostgresqlProvider extends JdbcProvider {

    /** admin_shutdown, crash_shutdown, cannot_connect_now: the server ended or refuses the session. */
    private static final Set<String> SESSION_ENDED = Set.of("57P01", "57P02", "57P03");
    /** invalid_catalog_name: the database does not exist. */
    private static final String UNKNOWN_DATABASE = "3D000";

    public PostgresqlProvider() {
        super("postgresql", "org.postgresql.Driver", "org.postgresql:postgresql", "jdbc:postgresql:");
    }

    @Override
    String exampleUrl() {
        return "jdbc:postgresql://localhost:5432/orders";
    }

    /** The driver's own {@code currentSchema} sets the search_path as it connects, without an extra statement. */
    @Override
    void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
        factory.jdbcProperty("currentSchema", schema);
    }

    /**
     * {@code DISCARD ALL}: session settings (search_path back to the one the connection started with, the
     * schema), role, temporary tables, advisory locks, listeners and prepared statements, as PgBouncer
     * resets a server connection. The driver notices it and forgets its server-side statements.
     */
    @Override
    List<String> resetStatements(Optional<String> schema) {
        return List.of("DISCARD ALL");
    }

    /**
     * {@code assumeMinServerVersion=9.0}: the driver then sends {@code ApplicationName} (and {@code extra_float_digits})
     * in the start-up packet, where they are the session's defaults. Without it the driver sets them with {@code SET}
     * after connecting, and the session reset's {@code DISCARD ALL} (on by default for a tenant's pool) puts them back
     * to the server's: from a connection's first return on, {@code pg_stat_activity} no longer showed whose session it
     * was. PostgreSQL before 9.0 has been out of support since 2015.
     */
    @Override
    void driverDefaults(Properties defaults) {
        defaults.setProperty("assumeMinServerVersion", "9.0");
    }

    /**
     * {@code loginTimeout}, which the driver reads per connection in fractional seconds (the JDBC login timeout is
     * whole seconds): the driver waits that long for its connecting thread and then fails with SQLState 08001.
     */
    @Override
    void boundLogin(Properties login, Duration within) {
        login.setProperty("loginTimeout", String.format(Locale.ROOT, "%.3f", Math.max(1, within.toMillis()) / 1000.0));
    }

    @Override
    boolean isBrokenConnection(SQLException error) {
        String state = error.getSQLState();
        return state != null && SESSION_ENDED.contains(state);
    }

    @Override
    boolean isPermanentFailure(SQLException error) {
        return UNKNOWN_DATABASE.equals(error.getSQLState());
    }
}
