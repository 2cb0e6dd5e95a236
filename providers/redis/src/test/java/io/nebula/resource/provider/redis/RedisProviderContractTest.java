package io.nebula.resource.provider.redis;

import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterAll;

class RedisProviderContractTest extends RedisContract {

    private static final RedisProvider PROVIDER = new RedisProvider();
    private static final ResourceSettings SETTINGS = LocalRedis.settings("cache", "redis");

    RedisProviderContractTest() {
        super(PROVIDER, SETTINGS);
    }

    @AfterAll
    static void shutdown() {
        PROVIDER.shutdown(SETTINGS);
    }
}
