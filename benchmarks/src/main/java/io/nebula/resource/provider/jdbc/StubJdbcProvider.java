package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.nebula.resource.benchmarks.stub.StubDriver;

/**
 * Kind {@code benchmark-stub}: Nebula's JDBC provider over the do-nothing stub driver, so that the
 * cost of Nebula's JDBC layer can be set against raw Agroal on the same connections.
 *
 * <p>It lives in the provider's package because a JDBC kind is a subclass of the package-private
 * {@link JdbcProvider}, exactly like {@link PostgresqlProvider}: everything but the driver class and
 * URL prefix (pool configuration, Agroal metrics, validation, the {@link PooledDataSource} handed to
 * users) is the provider's own code. Registered in this module's
 * {@code META-INF/services/io.nebula.resource.spi.ResourceProvider}; nothing outside the benchmarks
 * sees it.
 */
public final class StubJdbcProvider extends JdbcProvider {

    public StubJdbcProvider() {
        super("benchmark-stub", StubDriver.class.getName(), "nebula-resource-benchmarks", "jdbc:stub:");
    }

    /**
     * What the provider adds to Agroal's listeners to count active and available connections for its health
     * check with Agroal's metrics off: for raw Agroal configured as the provider configures it.
     */
    public static io.agroal.api.AgroalDataSourceListener poolCounts() {
        return new PoolCounts();
    }

    @Override
    String exampleUrl() {
        return StubDriver.URL;
    }

    @Override
    void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
        // The stub has no schemas; the benchmarks never set one.
    }
}
