package io.nebula.resource.provider.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * The shared connection of a {@code redis} resource is back within two seconds of its server's return, however long
 * the server was away: Lettuce's reconnect delay doubles after each refused attempt, up to 30 s by default, so after
 * a 10 s outage it next tried about 6 s after the return. The server is the local one behind a {@link FaultProxy}.
 */
class SharedReconnectTest {

    private static final Duration OUTAGE = Duration.ofSeconds(10);

    private final RedisProvider provider = new RedisProvider();
    private FaultProxy proxy;
    private ResourceSettings settings;
    private StatefulRedisConnection<String, String> connection;

    @AfterEach
    void closeEverything() {
        if (connection != null) {
            provider.destroy(connection);
            provider.shutdown(settings);
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theSharedConnectionServesWithinTwoSecondsOfTheServersReturn() throws IOException, InterruptedException {
        proxy = FaultProxy.start("127.0.0.1", 6379);
        settings = LocalRedis.settings("cache", "redis", "url", "redis://" + proxy.host() + ":" + proxy.port() + "/0");
        connection = provider.create(settings);
        connection.sync().ping();

        proxy.down();
        await("disconnected").atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
        Thread.sleep(OUTAGE.toMillis()); // the outage itself: long enough for Lettuce's delay to grow past seconds
        proxy.up();

        await("a PING answered after the return").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> "PONG".equals(connection.sync().ping()));
    }
}
