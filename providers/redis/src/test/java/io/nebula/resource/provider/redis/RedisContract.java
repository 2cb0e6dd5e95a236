package io.nebula.resource.provider.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Set;

/** The contract for both Redis kinds: they differ only in their provider, kind and resource name. */
abstract class RedisContract extends ProviderContract<StatefulRedisConnection<String, String>> {

    private final ResourceProvider<StatefulRedisConnection<String, String>> provider;
    private final String name;
    private final String kind;
    private final ResourceSettings settings;

    RedisContract(ResourceProvider<StatefulRedisConnection<String, String>> provider, ResourceSettings settings) {
        this.provider = provider;
        this.settings = settings;
        this.name = settings.name();
        this.kind = settings.kind();
    }

    @Override
    protected ResourceProvider<StatefulRedisConnection<String, String>> provider() {
        return provider;
    }

    @Override
    protected ResourceSettings settings() {
        return settings;
    }

    @Override
    protected InvalidSettings invalidSettings() {
        ResourceSettings bad = LocalRedis.settings(name, kind,
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
