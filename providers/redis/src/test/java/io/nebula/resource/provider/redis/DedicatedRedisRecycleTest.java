package io.nebula.resource.provider.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dedicated connection goes back to the pool as a new one would be: what its last holder left
 * (a transaction, watched keys, another database) must not reach the next holder.
 */
class DedicatedRedisRecycleTest {

    private static final DedicatedRedisProvider PROVIDER = new DedicatedRedisProvider();
    private static final ResourceSettings SETTINGS = LocalRedis.settings("locks", "redis-dedicated");
    private static final ResourceSettings IMPATIENT = LocalRedis.settings("impatient", "redis-dedicated", "timeout", "300ms");

    private final List<StatefulRedisConnection<String, String>> open = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    @AfterEach
    void destroy() {
        RedisCommands<String, String> other = create(SETTINGS).sync();
        keys.forEach(other::del);
        open.forEach(PROVIDER::destroy);
    }

    @AfterAll
    static void shutdown() {
        PROVIDER.shutdown(SETTINGS);
        PROVIDER.shutdown(IMPATIENT);
    }

    private StatefulRedisConnection<String, String> create(ResourceSettings settings) {
        StatefulRedisConnection<String, String> c = PROVIDER.create(settings);
        open.add(c);
        return c;
    }

    private String key() {
        String k = RedisCalls.key();
        keys.add(k);
        return k;
    }

    @Test
    void recycleDiscardsTheOpenTransactionForgetsWatchedKeysAndSelectsTheConfiguredDatabase() {
        StatefulRedisConnection<String, String> c = create(SETTINGS);
        RedisCommands<String, String> redis = c.sync();
        RedisCommands<String, String> other = create(SETTINGS).sync();
        String watched = key();
        String queued = key();

        // what a careless holder leaves behind: a watch, another database, a transaction half built
        redis.watch(watched);
        redis.select(5);
        redis.multi();
        redis.set(queued, "must never be written");
        assertThat(c.isMulti()).isTrue();

        assertThat(PROVIDER.recycle(c)).isTrue();

        assertThat(c.isMulti()).isFalse();
        assertThat(redis.clientInfo()).contains(" db=0 ");
        other.select(5);
        assertThat(other.exists(queued)).as("the queued SET was discarded, not executed").isZero();
        other.select(0);

        // had the WATCH survived, this change would abort the next holder's transaction
        other.set(watched, "changed by someone else");
        redis.multi();
        redis.set(queued, "written by the next holder");
        TransactionResult result = redis.exec();
        assertThat(result.wasDiscarded()).as("the next holder's transaction was aborted by a stale WATCH").isFalse();
        assertThat(other.get(queued)).isEqualTo("written by the next holder");
    }

    @Test
    void aDedicatedConnectionServesBlockingCommands() throws Exception {
        StatefulRedisConnection<String, String> waiting = create(SETTINGS);
        RedisCommands<String, String> producer = create(SETTINGS).sync();
        String queue = key();

        RedisFuture<KeyValue<String, String>> popped = waiting.async().blpop(5, queue);
        producer.rpush(queue, "job-1");

        assertThat(popped.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("job-1");
        assertThat(PROVIDER.recycle(waiting)).isTrue();
    }

    @Test
    void aConnectionStillBlockedIsNotReused() {
        StatefulRedisConnection<String, String> c = create(IMPATIENT);
        c.async().blpop(10, key()); // the holder gave up on it and released the connection

        long started = System.nanoTime();
        assertThat(PROVIDER.recycle(c)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aClosedConnectionIsNotReused() {
        StatefulRedisConnection<String, String> c = PROVIDER.create(SETTINGS);
        PROVIDER.destroy(c);
        assertThat(PROVIDER.recycle(c)).isFalse();
    }

    @Test
    void aConnectionTheServerDroppedIsNotReconnectedButDiscarded() {
        StatefulRedisConnection<String, String> c = create(SETTINGS);
        RedisCommands<String, String> admin = create(SETTINGS).sync();
        admin.clientKill(io.lettuce.core.KillArgs.Builder.id(c.sync().clientId()));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
        Throwable error = RedisCalls.errorOf(() -> c.sync().ping());
        assertThat(PROVIDER.isFatal(error)).as("isFatal(%s)", error).isTrue();
        assertThat(PROVIDER.recycle(c)).isFalse();
    }
}
