package io.nebula.resource.faults;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;

import java.util.Map;

/** Redis ({@code redis-dedicated}, pooled connections): every row through a connection lease. */
class RedisDedicatedFailureTableTest extends FailureTable {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "redis-dedicated", "url", "redis://{proxy}", "connect-timeout", "1s");
    }

    @Override
    int serverPort() {
        return 6379;
    }

    @Override
    Class<?> leaseType() {
        return StatefulRedisConnection.class;
    }

    @Override
    Class<? extends Throwable> backendError() {
        return RedisConnectionException.class;
    }
}
