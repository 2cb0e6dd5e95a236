package io.nebula.resource.faults;

import com.mysql.cj.jdbc.exceptions.CommunicationsException;

import java.sql.SQLException;
import java.util.Map;

/**
 * MySQL Connector/J ({@code mysql}): the injected {@code DataSource}, against the local MariaDB server (Connector/J
 * speaks its protocol; the local server lets root in without a password).
 */
class MysqlFailureTableTest extends JdbcFailureTable {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "mysql", "url", "jdbc:mysql://{proxy}/test?sslMode=DISABLED", "username", "root");
    }

    @Override
    int serverPort() {
        return 3306;
    }

    @Override
    Class<? extends SQLException> driverError() {
        return CommunicationsException.class;
    }

    @Override
    String driverState() {
        return "08S01";
    }
}
