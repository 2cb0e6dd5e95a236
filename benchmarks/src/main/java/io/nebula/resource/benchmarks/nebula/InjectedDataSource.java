package io.nebula.resource.benchmarks.nebula;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.benchmarks.stub.StubDriver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;

import javax.sql.DataSource;
import java.util.Map;

/**
 * A JDBC resource declared in configuration and injected with {@code @NebulaResource} into a bean of a
 * Weld SE container, as an application gets it. The resource uses kind {@code benchmark-stub}: Nebula's
 * JDBC provider over the stub driver (see {@code io.nebula.resource.provider.jdbc.StubJdbcProvider}).
 */
public final class InjectedDataSource implements AutoCloseable {

    static final String RESOURCE = "stub-db";

    /** The application bean the data source is injected into. */
    @Dependent
    public static class Repository {
        @Inject
        @NebulaResource(RESOURCE)
        DataSource dataSource;
    }

    private final WeldContainer container;
    private final DataSource dataSource;

    private InjectedDataSource(WeldContainer container, DataSource dataSource) {
        this.container = container;
        this.dataSource = dataSource;
    }

    /** Boots a container in which the resource has exactly {@code size} connections. */
    public static InjectedDataSource boot(int size) {
        WeldContainer container = Container.boot(Map.of(RESOURCE, Map.of(
                "kind", "benchmark-stub",
                "url", StubDriver.URL,
                "pool.min-size", String.valueOf(size),
                "pool.max-size", String.valueOf(size),
                "pool.acquire-timeout", "30s")), Repository.class);
        return new InjectedDataSource(container, container.select(Repository.class).get().dataSource);
    }

    /** What the application was given, as injected. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        container.shutdown();
    }
}
