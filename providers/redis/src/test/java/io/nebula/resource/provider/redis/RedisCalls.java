package io.nebula.resource.provider.redis;

import io.lettuce.core.api.sync.RedisCommands;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Real operations the tests run against the server. */
final class RedisCalls {

    private RedisCalls() {
    }

    static String key() {
        return "nebula:test:" + UUID.randomUUID();
    }

    /** Writes a unique value, reads it back and removes it. */
    static void setGetDelete(RedisCommands<String, String> redis) {
        String key = key();
        String value = UUID.randomUUID().toString();
        assertThat(redis.set(key, value)).isEqualTo("OK");
        assertThat(redis.get(key)).isEqualTo(value);
        assertThat(redis.del(key)).isEqualTo(1L);
    }

    /** A GET of a list: the server answers WRONGTYPE. */
    static Throwable wrongType(RedisCommands<String, String> redis) {
        String key = key();
        redis.rpush(key, "a");
        try {
            return errorOf(() -> redis.get(key));
        } finally {
            redis.del(key);
        }
    }

    static Throwable errorOf(Runnable call) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
