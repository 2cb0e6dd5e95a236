package io.nebula.resource.faults;

import org.postgresql.util.PSQLException;

import java.sql.SQLException;
import java.util.Map;

/** PostgreSQL ({@code postgresql}): the injected {@code DataSource}. The local server trusts local users. */
class PostgresqlFailureTableTest extends JdbcFailureTable {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "postgresql", "url", "jdbc:postgresql://{proxy}/test", "username", "postgres");
    }

    @Override
    int serverPort() {
        return 5432;
    }

    @Override
    Class<? extends SQLException> driverError() {
        return PSQLException.class;
    }

    /** "Connection to 127.0.0.1:port refused". */
    @Override
    String driverState() {
        return "08001";
    }
}
