package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Set;

class NatsProviderContractTest extends ProviderContract<Connection> {

    private static final NatsProvider PROVIDER = new NatsProvider();

    @Override
    protected ResourceProvider<Connection> provider() {
        return PROVIDER;
    }

    @Override
    protected ResourceSettings settings() {
        return LocalNats.settings("events");
    }

    @Override
    protected InvalidSettings invalidSettings() {
        ResourceSettings bad = LocalNats.settings("events", "url", "nats://127.0.0.1:99999",
                "connection-timeout", "soon", "max-reconnects", "-5");
        return new InvalidSettings(bad, Set.of("url", "connection-timeout", "max-reconnects"));
    }

    @Override
    protected Throwable useClosedInstance(Connection destroyed) {
        return LocalNats.errorOf(() -> destroyed.publish("nebula.test.closed", new byte[] {1}));
    }

    /** A subject with a space: jnats refuses it before sending anything. */
    @Override
    protected Throwable provokeNonFatalError(Connection instance) {
        return LocalNats.errorOf(() -> instance.publish("not a subject", new byte[] {1}));
    }

    @Override
    protected void useInstance(Connection instance) throws InterruptedException {
        LocalNats.publishAndReceive(instance);
    }
}
