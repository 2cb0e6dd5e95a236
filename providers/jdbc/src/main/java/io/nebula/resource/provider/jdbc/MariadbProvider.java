package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Kind {@code mariadb}: an Agroal pool of MariaDB (or MySQL) connections. Needs the driver
 * {@code org.mariadb.jdbc:mariadb-java-client} on the class path.
 */
public final class MariadbProvider extends JdbcProvider {

    /** ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, ER_CLIENT_INTERACTION_TIMEOUT: the server ended the session. */
    private static final Set<Integer> SESSION_ENDED = Set.of(1053, 1927, 4031);
    /**
     * ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_BAD_DB_ERROR (unknown database, which MariaDB
     * reports with SQLState 42000 like any syntax error), ER_ACCESS_DENIED_NO_PASSWORD_ERROR.
     */
    private static final Set<Integer> PERMANENT = Set.of(1044, 1045, 1049, 1698);

    public MariadbProvider() {
        super("mariadb", "org.mariadb.jdbc.Driver", "org.mariadb.jdbc:mariadb-java-client", "jdbc:mariadb:");
    }

    @Override
    String exampleUrl() {
        return "jdbc:mariadb://localhost:3306/orders";
    }

    /** In MariaDB a schema is a database: new connections switch to it. */
    @Override
    void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
        factory.initialSql("USE `" + schema + "`");
    }

    /**
     * MariaDB has no statement that resets a whole session: the role, and the database when one is configured.
     * Add what the application changes (user variables, {@code SET SESSION ...}) with {@code session.reset-sql}.
     */
    @Override
    List<String> resetStatements(Optional<String> schema) {
        List<String> statements = new ArrayList<>();
        schema.ifPresent(s -> statements.add("USE `" + s + "`"));
        statements.add("SET ROLE NONE");
        return statements;
    }

    /** {@code connectTimeout} (milliseconds), which bounds both the TCP connect and the authentication of one connection. */
    @Override
    void boundLogin(Properties login, Duration within) {
        login.setProperty("connectTimeout", String.valueOf(Math.max(1, within.toMillis())));
    }

    @Override
    boolean isBrokenConnection(SQLException error) {
        return SESSION_ENDED.contains(error.getErrorCode());
    }

    @Override
    boolean isPermanentFailure(SQLException error) {
        return PERMANENT.contains(error.getErrorCode());
    }
}
