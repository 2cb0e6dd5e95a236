package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Set;

/** The provider contract against the local PostgreSQL (trust authentication, so any password passes). */
class PostgresqlContractTest extends JdbcContract {

    private static final String PASSWORD = "pg-S3cret-Never-Shown";

    @Override
    protected ResourceProvider<AgroalDataSource> provider() {
        return new PostgresqlProvider();
    }

    @Override
    protected ResourceSettings settings() {
        return Databases.postgresql("orders-db", "password", PASSWORD, "pool.max-size", "3");
    }

    @Override
    protected String secretValue() {
        return PASSWORD;
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(Databases.postgresql("orders-db", "url", "http://127.0.0.1:5432/test",
                "password", PASSWORD, "pool.max-size", "0", "pool.acquire-timeout", "soon"),
                Set.of("url", "pool.max-size", "pool.acquire-timeout"));
    }
}
