package io.nebula.resource.cdi.testing;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

/**
 * Kind {@code test-lagging}: POOLED {@link TestConnection}s, each used once (never recycled), so every acquisition
 * creates one, and a creation takes {@link #lag} milliseconds: a backend whose latency a test changes.
 */
public class LaggingProvider implements ResourceProvider<TestConnection> {

    /** How long a creation takes now, in milliseconds. */
    public static volatile long lag;

    @Override
    public String kind() {
        return "test-lagging";
    }

    @Override
    public Class<TestConnection> type() {
        return TestConnection.class;
    }

    @Override
    public TestConnection create(ResourceSettings settings) throws Exception {
        long millis = lag;
        if (millis > 0) {
            Thread.sleep(millis); // the backend's latency, not a synchronisation
        }
        return new TestConnection(TestBackend.nextId(), settings.name());
    }

    @Override
    public HealthStatus check(TestConnection instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public boolean recycle(TestConnection instance) {
        return false; // each acquisition creates: its time is the backend's
    }

    @Override
    public void destroy(TestConnection instance) {
        instance.destroy();
    }
}
