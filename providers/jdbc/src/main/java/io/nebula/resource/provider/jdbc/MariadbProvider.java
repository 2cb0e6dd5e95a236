package io.nebula.resource.provider.jdbc;

import java.time.Duration;
import java.util.Properties;

/**
 * Kind {@code mariadb}: an Agroal pool of MariaDB (or MySQL) connections. Needs the driver
 * {@code org.mariadb.jdbc:mariadb-java-client} on the class path.
 */
public final class MariadbProvider extends MysqlProtocolProvider {

    public MariadbProvider() {
        super("mariadb", "org.mariadb.jdbc.Driver", "org.mariadb.jdbc:mariadb-java-client", "jdbc:mariadb:");
    }

    @Override
    String exampleUrl() {
        return "jdbc:mariadb://localhost:3306/orders";
    }

    /** {@code connectTimeout} (milliseconds), which bounds both the TCP connect and the authentication of one connection. */
    @Override
    void boundLogin(Properties login, Duration within) {
        login.setProperty("connectTimeout", String.valueOf(Math.max(1, within.toMillis())));
    }
}
