package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Set;

/** The provider contract for kind {@code mysql}: MySQL Connector/J against the local MariaDB (root, no password). */
class MysqlContractTest extends JdbcContract {

    @Override
    protected ResourceProvider<AgroalDataSource> provider() {
        return new MysqlProvider();
    }

    @Override
    protected ResourceSettings settings() {
        return Databases.mysql("orders-db", "pool.max-size", "3");
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(Databases.mysql("orders-db", "url", "jdbc:mariadb://127.0.0.1:3306/test",
                "pool.min-size", "5", "pool.max-size", "2", "schema", "test; DROP TABLE x"),
                Set.of("url", "pool.min-size", "schema"));
    }
}
