package io.nebula.resource.provider.redis;

import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis through the extension on Weld SE: the shared connection of a {@code redis} resource injected as
 * {@code RedisCommands<String, String>}, and a {@code redis-dedicated} one leased for an {@link Action}.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.cache.kind=redis",
        "nebula.resource.cache.url=" + LocalRedis.URL,
        "nebula.resource.counters.kind=redis-dedicated",
        "nebula.resource.counters.url=" + LocalRedis.URL,
        "nebula.resource.counters.pool.max-size=2"})
class RedisInjectionTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Cache.class, Counters.class);

    @Inject
    Cache cache;

    @Inject
    Counters counters;

    @Inject
    Resources resources;

    @ApplicationScoped
    static class Cache {

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> redis;

        String setThenGet(String key, String value) {
            redis.setex(key, 60, value);
            try {
                return redis.get(key);
            } finally {
                redis.del(key);
            }
        }

        long exists(String key) {
            return redis.exists(key);
        }

        void delete(String key) {
            redis.del(key);
        }
    }

    @ApplicationScoped
    static class Counters {

        @Inject
        @NebulaResource("counters")
        RedisCommands<String, String> redis;

        @Inject
        Resources resources;

        /** A transaction needs a connection of its own: MULTI on the shared one would take in other threads' commands. */
        @Action(resources = "counters")
        long incrementTwiceInOneTransaction(String key) {
            assertThat(resources.find("counters").orElseThrow().pool().active()).as("lease held by the action").isEqualTo(1);
            redis.multi();
            redis.incr(key);
            redis.incr(key);
            redis.expire(key, 60);
            TransactionResult result = redis.exec();
            assertThat(result.wasDiscarded()).isFalse();
            return result.get(1);
        }
    }

    @Test
    void theSharedConnectionSetsAndGets() {
        String key = "nebula:test:" + UUID.randomUUID();
        assertThat(cache.setThenGet(key, "order-42")).isEqualTo("order-42");
        assertThat(cache.exists(key)).isZero();
    }

    @Test
    void aDedicatedConnectionRunsATransactionInAnActionAndGoesBackToThePool() {
        String key = "nebula:test:" + UUID.randomUUID();
        try {
            assertThat(counters.incrementTwiceInOneTransaction(key)).isEqualTo(2L);
            assertThat(counters.incrementTwiceInOneTransaction(key)).isEqualTo(4L);
            assertThat(resources.find("counters").orElseThrow().pool().active()).as("released when the action ended").isZero();
        } finally {
            cache.delete(key);
        }
    }
}
