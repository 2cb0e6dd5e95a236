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
        WeldContainer container = boot(size, Repository.class);
        return new InjectedDataSource(container, container.select(Repository.class).get().dataSource);
    }

    /**
     * As {@link #boot}, but the bean is made while the database refuses connections, so it holds the stand-in the
     * extension injects then (docs/cdi.md), which has the pool at its first use; the database answers again when
     * this returns.
     */
    public static InjectedDataSource bootWhileDown(int size) {
        WeldContainer container = boot(size, Repository.class);
        StubDriver.refusing(true);
        DataSource injected;
        try {
            injected = container.select(Repository.class).get().dataSource;
        } finally {
            StubDriver.refusing(false);
        }
        return new InjectedDataSource(container, injected);
    }

    private static WeldContainer boot(int size, Class<?> bean) {
        return Container.boot(Map.of(RESOURCE, Map.of(
                "kind", "benchmark-stub",
                "url", StubDriver.URL,
                "pool.min-size", String.valueOf(size),
                "pool.max-size", String.valueOf(size),
                "pool.acquire-timeout", "30s")), bean);
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
