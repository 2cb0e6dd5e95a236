package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.Channel;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.util.Set;

class RabbitMqProviderContractTest extends ProviderContract<Channel> {

    private static final RabbitMqProvider PROVIDER = new RabbitMqProvider();
    private static final ResourceSettings SETTINGS = LocalRabbit.settings("jobs");

    @AfterAll
    static void shutdown() {
        PROVIDER.shutdown(SETTINGS);
    }

    @Override
    protected ResourceProvider<Channel> provider() {
        return PROVIDER;
    }

    @Override
    protected ResourceSettings settings() {
        return SETTINGS;
    }

    @Override
    protected InvalidSettings invalidSettings() {
        ResourceSettings bad = LocalRabbit.settings("jobs", "uri", "amqp://127.0.0.1:99999/",
                "connection-timeout", "soon", "requested-heartbeat", "100000s");
        return new InvalidSettings(bad, Set.of("uri", "connection-timeout", "requested-heartbeat"));
    }

    @Override
    protected Throwable useClosedInstance(Channel destroyed) {
        return LocalRabbit.errorOf(() -> destroyed.basicPublish("", "nowhere", null, new byte[] {1}));
    }

    /** A queue name longer than AMQP allows: amqp-client refuses it before sending anything. */
    @Override
    protected Throwable provokeNonFatalError(Channel instance) {
        return LocalRabbit.errorOf(() -> instance.queueDeclare("q".repeat(300), false, true, true, null));
    }

    @Override
    protected void useInstance(Channel instance) throws IOException {
        LocalRabbit.publishAndGet(instance);
    }
}
