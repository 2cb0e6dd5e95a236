package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceListener;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.Credentials;

import java.time.Duration;
import java.util.Map;

/**
 * The package-private parts {@code JdbcProvider.create} gives Agroal, for the benchmarks' raw Agroal configured
 * as the provider configures it: the login ({@link JdbcLogin}: Agroal's security provider and credential, and a
 * listener that reads a flag on each hit) and the one listener ({@link AgroalEvents}: the health check's
 * {@link PoolCounts}, the login tracking and the log). Made here, in the provider's package, so that what the
 * benchmark gives Agroal is the provider's own code, not a copy of it. Nothing outside the benchmarks sees it.
 */
public final class ProviderParts {

    private final JdbcLogin login;
    private final AgroalEvents events;

    private ProviderParts(String resource, String kind) {
        // no user or password written: the credentials of a resource declared with none, as the benchmarks' are
        this.login = new JdbcLogin(resource, Credentials.of(ResourceSettings.of(resource, kind, Map.of())));
        PoolCounts counts = new PoolCounts();
        // no listener ever asks for the connection figures (nebula.telemetry.semconv is off), so no configuration
        this.events = new AgroalEvents(counts, login, new PoolEventLog(resource, Duration.ZERO),
                new ConnectionFigures(counts, () -> null), new CreationPermits(CreationPermits.DEFAULT_RELEASE_DELAY));
    }

    /** The parts of one resource, as {@code JdbcProvider.create} makes them for a resource without credentials. */
    public static ProviderParts of(String resource, String kind) {
        return new ProviderParts(resource, kind);
    }

    /** As {@code JdbcProvider.factoryConfiguration}: Agroal asks the login for user and password at each connection. */
    public AgroalConnectionFactoryConfigurationSupplier login(AgroalConnectionFactoryConfigurationSupplier factory) {
        return factory.addSecurityProvider(login).credential(login);
    }

    /** As {@code JdbcProvider.poolConfiguration}: Agroal's reap timeout for these sizes and {@code pool.idle-timeout}. */
    public static Duration reapTimeout(int minSize, int maxSize, Duration idleTimeout) {
        return JdbcProvider.reapTimeout(minSize, maxSize, idleTimeout);
    }

    /** The one listener the provider gives Agroal. */
    public AgroalDataSourceListener listener() {
        return events;
    }

    /** As {@code PooledDataSource} does once the pool exists (the login flushes it on a credential rotation). */
    public void pool(AgroalDataSource pool) {
        login.pool(pool);
    }
}
