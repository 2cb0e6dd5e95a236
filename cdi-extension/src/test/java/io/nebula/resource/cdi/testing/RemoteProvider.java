package io.nebula.resource.cdi.testing;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.io.IOException;

/**
 * Kind {@code test-remote}: one RESIDENT {@link RemoteClient} per pool over a {@link FlakyBackend}, which it connects
 * to when it is made (a DOWN backend refuses: {@link IOException}, retryable). A refusal reaches a caller of a
 * stand-in as an {@link IOException}, the exception family of {@link RemoteClient#call}.
 */
public class RemoteProvider implements ResourceProvider<RemoteClient> {

    @Override
    public String kind() {
        return "test-remote";
    }

    @Override
    public Class<RemoteClient> type() {
        return RemoteClient.class;
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    @Override
    public RemoteClient create(ResourceSettings settings) throws IOException {
        if (FlakyBackend.attempt(settings.name()) != FlakyBackend.Mode.UP) {
            throw new IOException("connection to " + settings.name() + " refused");
        }
        int id = TestBackend.nextId();
        String resource = settings.name();
        return new RemoteClient() {
            @Override
            public String call(String what) {
                return resource + "#" + id + ":" + what;
            }

            @Override
            public int id() {
                return id;
            }

            @Override
            public String toString() {
                return "RemoteClient[" + resource + "#" + id + "]";
            }
        };
    }

    @Override
    public HealthStatus check(RemoteClient instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public void destroy(RemoteClient instance) {
    }

    @Override
    public Exception refusalAs(Class<?> view, ResourceException refusal) {
        return new IOException(refusal.getMessage(), refusal);
    }
}
