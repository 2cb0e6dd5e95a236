package io.nebula.resource.cdi.testing;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kind {@code test-counter}: POOLED {@link TestConnection}s, numbered as created, with a {@link Pinger}
 * view and a {@link Queryable} view (a supertype of the instance type). Its own keys: {@code port} (1-65535) and {@code password} (at least 8 characters; never shown).
 */
public class CounterProvider implements ResourceProvider<TestConnection> {

    @Override
    public String kind() {
        return "test-counter";
    }

    @Override
    public Class<TestConnection> type() {
        return TestConnection.class;
    }

    @Override
    public Set<Class<?>> views() {
        return Set.of(Pinger.class, Queryable.class);
    }

    @Override
    public <V> V view(TestConnection instance, Class<V> viewType) {
        if (viewType == Pinger.class) {
            return viewType.cast((Pinger) instance::id);
        }
        return ResourceProvider.super.view(instance, viewType);
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        List<ConfigProblem> problems = new ArrayList<>();
        settings.string("port").ifPresent(p -> {
            int port;
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                problems.add(new ConfigProblem(settings.keyOf("port"), "must be a port number between 1 and 65535, was '" + p + "'"));
            }
        });
        settings.secret("password").ifPresent(s -> {
            if (s.reveal().length() < 8) {
                problems.add(new ConfigProblem(settings.keyOf("password"), "must be at least 8 characters long"));
            }
        });
        return problems;
    }

    @Override
    public TestConnection create(ResourceSettings settings) throws Exception {
        if (TestBackend.isDown(settings.name())) {
            throw new IOException("backend of " + settings.name() + " is down");
        }
        TestConnection c = new TestConnection(TestBackend.nextId(), settings.name());
        TestBackend.record("create:" + settings.name());
        return c;
    }

    @Override
    public HealthStatus check(TestConnection instance, CheckDepth depth) {
        return TestBackend.isDown(instance.resource()) ? HealthStatus.down("backend down") : HealthStatus.up();
    }

    @Override
    public void destroy(TestConnection instance) {
        instance.destroy();
        TestBackend.record("destroy:" + instance.resource());
    }

    @Override
    public void shutdown(ResourceSettings settings) {
        TestBackend.record("shutdown:" + settings.name());
    }
}
