package io.nebula.resource.provider.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Kind {@code mysql}: an Agroal pool of MySQL connections through MySQL Connector/J. Needs the driver
 * {@code com.mysql:mysql-connector-j} on the class path. Connector/J speaks to MariaDB as well (the tests run it
 * against the local MariaDB), so the error codes are MySQL's and MariaDB's alike.
 */
public final class MysqlProvider extends MysqlProtocolProvider {

    private static final String CONNECT_TIMEOUT = "connectTimeout";
    private static final String SOCKET_TIMEOUT = "socketTimeout";

    public MysqlProvider() {
        super("mysql", "com.mysql.cj.jdbc.Driver", "com.mysql:mysql-connector-j", "jdbc:mysql:");
    }

    @Override
    String exampleUrl() {
        return "jdbc:mysql://localhost:3306/orders";
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
}
