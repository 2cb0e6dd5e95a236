package io.nebula.resource.cdi.testing;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Set;

/**
 * Kind {@code test-datasource}: one RESIDENT {@link StubDataSource}, offered as {@code DataSource} like the JDBC
 * provider offers its Agroal pool. SQLState class 28 (bad credentials) is not retryable, as in the JDBC provider.
 */
public class StubDataSourceProvider implements ResourceProvider<StubDataSource> {

    @Override
    public String kind() {
        return "test-datasource";
    }

    @Override
    public Class<StubDataSource> type() {
        return StubDataSource.class;
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    @Override
    public Set<Class<?>> views() {
        return Set.of(DataSource.class);
    }

    @Override
    public void handOutThrough(StubDataSource instance, io.nebula.resource.spi.HandOutPipeline pipeline) {
        instance.handOutThrough(pipeline);
    }

    @Override
    public StubDataSource create(ResourceSettings settings) {
        return new StubDataSource(settings.name());
    }

    @Override
    public HealthStatus check(StubDataSource instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public void destroy(StubDataSource instance) {
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return !(error instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("28"));
    }
}
