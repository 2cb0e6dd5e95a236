package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/** A test's own database on the local Redis. */
final class RedisDb {

    private RedisDb() {
    }

    /** Empties the database of {@code url} (only that one: {@code FLUSHDB}) before a test. */
    static void flush(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }
}
