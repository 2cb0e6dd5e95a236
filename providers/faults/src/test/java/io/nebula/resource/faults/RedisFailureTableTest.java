package io.nebula.resource.faults;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** Redis ({@code redis}, one shared connection that Lettuce reconnects), held as a {@code StatefulRedisConnection}. */
@SuppressWarnings("rawtypes")
class RedisFailureTableTest extends ResidentFailureTable<StatefulRedisConnection> {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "redis", "url", "redis://{proxy}", "connect-timeout", "1s");
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

    @Override
    Class<StatefulRedisConnection> viewType() {
        return StatefulRedisConnection.class;
    }

    @Override
    void call(StatefulRedisConnection instance) {
        instance.sync().get("nebula:failure-table");
    }

    @Override
    void awaitTheClientNoticed(StatefulRedisConnection instance) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !instance.isOpen());
    }

    /** docs/providers/redis.md: while disconnected, commands fail at once ("Currently not connected"). */
    @Override
    Class<? extends Throwable> clientErrorWhileAway() {
        return RedisException.class;
    }

    /** Lettuce's, from the timer of the client the closed resource shut down: "cannot be started once stopped". */
    @Override
    Class<? extends Throwable> clientErrorOnceClosed() {
        return IllegalStateException.class;
    }
}
