package io.nebula.resource.cdi.testing;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.io.IOException;

/** Kind {@code test-shared}: one RESIDENT {@link SharedClient} per pool. */
public class SharedProvider implements ResourceProvider<SharedClient> {

    @Override
    public String kind() {
        return "test-shared";
    }

    @Override
    public Class<SharedClient> type() {
        return SharedClient.class;
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    @Override
    public SharedClient create(ResourceSettings settings) throws Exception {
        if (TestBackend.isDown(settings.name())) {
            throw new IOException("backend of " + settings.name() + " is down");
        }
        TestBackend.record("create:" + settings.name());
        return new SharedClient(TestBackend.nextId(), settings.name());
    }

    @Override
    public HealthStatus check(SharedClient instance, CheckDepth depth) {
        return TestBackend.isDown(instance.resource()) ? HealthStatus.down("backend down") : HealthStatus.up();
    }

    @Override
    public void destroy(SharedClient instance) {
        TestBackend.record("destroy:" + instance.resource());
    }

    @Override
    public void shutdown(ResourceSettings settings) {
        TestBackend.record("shutdown:" + settings.name());
    }
}
