package io.nebula.resource.cdi.testing;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.io.IOException;

/**
 * Kind {@code test-flaky}: POOLED {@link TestConnection}s over a {@link FlakyBackend}. A DOWN backend refuses
 * connections ({@link IOException}, retryable); a REFUSING one rejects the credentials
 * ({@link AuthenticationFailedException}, not retryable). With {@code echo-secret=true} its errors repeat the
 * configured password, as a careless driver might.
 */
public class FlakyProvider implements ResourceProvider<TestConnection> {

    @Override
    public String kind() {
        return "test-flaky";
    }

    @Override
    public Class<TestConnection> type() {
        return TestConnection.class;
    }

    @Override
    public TestConnection create(ResourceSettings settings) throws Exception {
        String echo = settings.bool("echo-secret", false)
                ? " (password " + settings.secret("password").map(s -> s.reveal()).orElse("") + ")" : "";
        // each endpoint of a resource with pool.endpoints is a backend of its own: "routes@a"
        String backend = settings.name() + settings.string("endpoint").map(e -> "@" + e).orElse("");
        switch (FlakyBackend.attempt(backend)) {
            case DOWN -> throw new IOException("connection to " + backend + " refused" + echo);
            case REFUSING -> throw new AuthenticationFailedException("authentication failed for user 'app'" + echo);
            default -> {
            }
        }
        return new TestConnection(TestBackend.nextId(), backend);
    }

    @Override
    public HealthStatus check(TestConnection instance, CheckDepth depth) {
        FlakyBackend.checking(instance.resource());
        return FlakyBackend.mode(instance.resource()) == FlakyBackend.Mode.UP ? HealthStatus.up()
                : HealthStatus.down("backend of " + instance.resource() + " does not answer (" + depth + ")");
    }

    @Override
    public void destroy(TestConnection instance) {
        instance.destroy();
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return !(error instanceof AuthenticationFailedException);
    }
}
