package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Set;

/** The provider contract against an in-memory H2 database, the embedded default. */
class H2ContractTest extends JdbcContract {

    private static final String PASSWORD = "h2-S3cret-Never-Shown";

    @Override
    protected ResourceProvider<AgroalDataSource> provider() {
        return new H2Provider();
    }

    @Override
    protected ResourceSettings settings() {
        return Databases.h2("h2-contract", "username", "sa", "password", PASSWORD);
    }

    @Override
    protected String secretValue() {
        return PASSWORD;
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(Databases.h2("h2-contract", "url", "jdbc:hsqldb:mem:x", "password", PASSWORD,
                "pool.idle-timeout", "-5s", "validation-timeout", "200ms"),
                Set.of("url", "pool.idle-timeout", "validation-timeout"));
    }
}
