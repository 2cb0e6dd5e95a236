package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Kind {@code mysql}: an Agroal pool of MySQL connections through MySQL Connector/J. Needs the driver
 * {@code com.mysql:mysql-connector-j} on the class path. Connector/J speaks to MariaDB as well (the tests run it
 * against the local MariaDB), so the error codes are MySQL's and MariaDB's alike.
 */
public final class MysqlProvider extends JdbcProvider {

    /**
     * ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED (MariaDB's answer to {@code KILL}), ER_CLIENT_INTERACTION_TIMEOUT:
     * the server ended the session. Connector/J reports most lost sessions as SQLState {@code 08S01} anyway.
     */
    private static final Set<Integer> SESSION_ENDED = Set.of(1053, 1927, 4031);
    /** ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_BAD_DB_ERROR (SQLState 42000), ER_ACCESS_DENIED_NO_PASSWORD_ERROR. */
    private static final Set<Integer> PERMANENT = Set.of(1044, 1045, 1049, 1698);

    private static final String CONNECT_TIMEOUT = "connectTimeout";
    private static final String SOCKET_TIMEOUT = "socketTimeout";

    public MysqlProvider() {
        super("mysql", "com.mysql.cj.jdbc.Driver", "com.mysql:mysql-connector-j", "jdbc:mysql:");
    }

    @Override
    String exampleUrl() {
        return "jdbc:mysql://localhost:3306/orders";
    }

    /** In MySQL a schema is a database: new connections switch to it. */
    @Override
    void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
        factory.initialSql("USE `" + schema + "`");
    }

    /**
     * Connector/J resets a session only through its own API ({@code resetServerState}), which the provider does not
     * compile against: the database and the role, as for MariaDB; {@code session.reset-sql} adds the rest.
     */
    @Override
    List<String> resetStatements(Optional<String> schema) {
        List<String> statements = new ArrayList<>();
        schema.ifPresent(s -> statements.add("USE `" + s + "`"));
        statements.add("SET ROLE NONE");
        return statements;
    }

    /**
     * {@code connectTimeout} (milliseconds) bounds only the TCP connect: Connector/J reads the server's greeting and
     * authenticates under {@code socketTimeout}, or the JVM-wide {@code DriverManager} login timeout that whichever
     * resource set it last. So both are set to the bound, and {@link #afterLogin} puts the read timeout back, as
     * {@code socketTimeout} would otherwise cut every later statement that runs longer than a login may take.
     */
    @Override
    void boundLogin(Properties login, Duration within) {
        String millis = String.valueOf(Math.max(1, within.toMillis()));
        login.setProperty(CONNECT_TIMEOUT, millis);
        login.setProperty(SOCKET_TIMEOUT, millis);
    }

    /** The read timeout of an open connection: the user's {@code properties.socketTimeout}, or none (Connector/J's default). */
    @Override
    void afterLogin(Connection connection, JdbcSettings jdbc) throws SQLException {
        connection.setNetworkTimeout(Runnable::run, socketTimeout(jdbc));
    }

    static int socketTimeout(JdbcSettings jdbc) {
        String wanted = jdbc.driverProperties().get(SOCKET_TIMEOUT);
        try {
            return wanted == null ? 0 : Integer.parseInt(wanted.trim());
        } catch (NumberFormatException e) {
            return 0; // Connector/J refuses the connection for it before this runs
        }
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
