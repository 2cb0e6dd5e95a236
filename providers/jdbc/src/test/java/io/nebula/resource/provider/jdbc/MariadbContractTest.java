package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Set;

/** The provider contract against the local MariaDB (root, no password). */
class MariadbContractTest extends JdbcContract {

    @Override
    protected ResourceProvider<AgroalDataSource> provider() {
        return new MariadbProvider();
    }

    @Override
    protected ResourceSettings settings() {
        return Databases.mariadb("orders-db", "pool.max-size", "3");
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(Databases.mariadb("orders-db", "url", "jdbc:mysql://127.0.0.1:3306/test",
                "pool.min-size", "5", "pool.max-size", "2", "schema", "test; DROP TABLE x"),
                Set.of("url", "pool.min-size", "schema"));
    }
}
