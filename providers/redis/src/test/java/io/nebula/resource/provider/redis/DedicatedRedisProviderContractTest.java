package io.nebula.resource.provider.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterAll;

import java.util.Set;


class DedicatedRedisProviderContractTest extends ProviderContract<StatefulRedisConnection<String, String>> {

    private static final DedicatedRedisProvider PROVIDER = new DedicatedRedisProvider();
    private static final ResourceSettings SETTINGS = LocalRedis.settings("locks", "redis-dedicated");

    @AfterAll
    static void shutdown() {
        PROVIDER.shutdown(SETTINGS);
    }

    @Override
    protected ResourceProvider<StatefulRedisConnection<String, String>> provider() {
        return PROVIDER;
    }

    @Override
    protected ResourceSettings settings() {
        return SETTINGS;
    }

    @Override
    protected InvalidSettings invalidSettings() {
        ResourceSettings bad = LocalRedis.settings("locks", "redis-dedicated",
                "url", "redis://127.0.0.1:70000/0", "timeout", "soon", "client-name", "two words");
        return new InvalidSettings(bad, Set.of("url", "timeout", "client-name"));
    }

    @Override
    protected Throwable useClosedInstance(StatefulRedisConnection<String, String> destroyed) {
        return RedisCalls.errorOf(() -> destroyed.sync().ping());
    }

    @Override
    protected Throwable provokeNonFatalError(StatefulRedisConnection<String, String> instance) {
        return RedisCalls.wrongType(instance.sync());
    }

    @Override
    protected void useInstance(StatefulRedisConnection<String, String> instance) {
        RedisCalls.setGetDelete(instance.sync());
    }
}
