package io.nebula.resource.provider.redis;

import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterAll;

class DedicatedRedisProviderContractTest extends RedisContract {

    private static final DedicatedRedisProvider PROVIDER = new DedicatedRedisProvider();
    private static final ResourceSettings SETTINGS = LocalRedis.settings("locks", "redis-dedicated");

    DedicatedRedisProviderContractTest() {
        super(PROVIDER, SETTINGS);
    }

    @AfterAll
    static void shutdown() {
        PROVIDER.shutdown(SETTINGS);
    }
}
