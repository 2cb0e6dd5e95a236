package io.nebula.resource.cdi.testing;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

/** Kind {@code test-bounded}: one {@link BoundedClient} shared by at most {@code pool.max-size} leases at once. */
public class BoundedProvider implements ResourceProvider<BoundedClient> {

    @Override
    public String kind() {
        return "test-bounded";
    }

    @Override
    public Class<BoundedClient> type() {
        return BoundedClient.class;
    }

    @Override
    public Topology topology() {
        return Topology.BOUNDED;
    }

    @Override
    public BoundedClient create(ResourceSettings settings) {
        TestBackend.record("create:" + settings.name());
        return new BoundedClient(TestBackend.nextId());
    }

    @Override
    public HealthStatus check(BoundedClient instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public void destroy(BoundedClient instance) {
        TestBackend.record("destroy:bounded");
    }
}
