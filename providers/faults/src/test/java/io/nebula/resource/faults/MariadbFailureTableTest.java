package io.nebula.resource.faults;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;

/** MariaDB ({@code mariadb}): the injected {@code DataSource}. The local server lets root in without a password. */
class MariadbFailureTableTest extends JdbcFailureTable {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "mariadb", "url", "jdbc:mariadb://{proxy}/test?sslMode=disable", "username", "root");
    }

    @Override
    int serverPort() {
        return 3306;
    }

    @Override
    Class<? extends SQLException> driverError() {
        return SQLNonTransientConnectionException.class;
    }

    @Override
    String driverState() {
        return "08000";
    }
}
