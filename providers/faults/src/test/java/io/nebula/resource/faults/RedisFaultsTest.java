package io.nebula.resource.faults;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.NebulaResource;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Redis ({@code redis}, the shared connection) through the injected {@code RedisCommands}, which Lettuce reconnects.
 * While it is disconnected its commands fail at once (docs/providers/redis.md). {@code timeout} is left unset: the
 * provider reads it as the command timeout, but the pipeline reads the same key as the attempt timeout, and creating
 * the shared client on a loaded machine took longer than 2 s, so the injection itself failed. The server
 * counts the resource's connections by their name in {@code CLIENT LIST}. The local server has no password, so
 * there is no secret to look for (a password would make it refuse the connection).
 */
class RedisFaultsTest extends FaultScenario {

    private final String clientName = "nebula-faults-" + UUID.randomUUID();
    private RedisClient counter;
    private StatefulRedisConnection<String, String> counting;

    @Override
    String resource() {
        return "cache";
    }

    @Override
    int serverPort() {
        return 6379;
    }

    @Override
    Map<String, String> keys(String host, int port) {
        return Map.of("kind", "redis",
                "url", "redis://" + host + ":" + port,
                "connect-timeout", "2s",
                "client-name", clientName);
    }

    /** An application bean with the view injected ({@code @Dependent}: no client proxy in front of its field). */
    static class Cache {

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> redis;
    }

    @Override
    Class<?>[] beans() {
        return new Class<?>[]{Cache.class};
    }

    @Override
    Outage.Call call(WeldContainer container) {
        RedisCommands<String, String> redis = container.select(Cache.class).get().redis;
        String key = "nebula:faults:" + clientName;
        return () -> redis.get(key);
    }

    /** docs/providers/redis.md: Lettuce's errors, {@code RedisException} and its subtypes. */
    @Override
    boolean isDocumented(Throwable error) {
        return error instanceof RedisException;
    }

    @Override
    int maxServerConnections() {
        return 1;
    }

    @Override
    OptionalInt serverSideConnections() {
        if (counting == null) {
            counter = RedisClient.create("redis://127.0.0.1:6379");
            counting = counter.connect();
        }
        String needle = "name=" + clientName + " ";
        return OptionalInt.of((int) counting.sync().clientList().lines().filter(l -> l.contains(needle)).count());
    }

    @AfterAll
    void closeTheCounter() {
        if (counter != null) {
            counting.close();
            counter.shutdown();
        }
    }
}
