package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.Action;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.event.HealthChangedEvent;
import io.nebula.resource.provider.testing.Attempt;
import io.nebula.resource.provider.testing.LocalServer;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.spi.CheckDepth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops and starts again under a running application (one Weld container throughout), with both
 * kinds: {@code cache} ({@code redis}, the shared connection injected as {@code RedisCommands}, which
 * Lettuce reconnects) and {@code counters} ({@code redis-dedicated}, pooled connections leased by an
 * {@link Action}, which the engine discards and makes anew). While Redis is down both are DOWN and their
 * calls fail at once with the client's error; once it is back both serve again without a restart of the
 * application, and the server never sees more connections of a resource than it may have.
 *
 * <p>Both have the extension's scheduled checks on ({@code health.interval=1s}). A failed check must not
 * replace the shared connection of {@code cache}: the {@code RedisCommands} the application was injected
 * would then answer "Connection is closed" for good, although Lettuce reconnects it. The server is always started again, even
 * when the test fails.
 */
@Tag("restart")
@NebulaWeldTest
@TestConfig({
        "nebula.resource.cache.kind=redis",
        "nebula.resource.cache.url=" + LocalRedis.URL,
        "nebula.resource.cache.timeout=30s",
        "nebula.resource.cache.connect-timeout=2s",
        "nebula.resource.counters.kind=redis-dedicated",
        "nebula.resource.counters.url=" + LocalRedis.URL,
        "nebula.resource.counters.timeout=30s",
        "nebula.resource.counters.connect-timeout=2s",
        "nebula.resource.counters.pool.max-size=" + RedisRestartTest.MAX_SIZE,
        "nebula.resource.counters.pool.acquire-timeout=30s",
        // every leased connection is checked first, so one the restart closed is never handed out
        "nebula.resource.counters.pool.validation-bypass=0",
        // the engine tries the server again at least every second while it is down
        "nebula.resource.counters.pool.backoff-max=1s",
        "nebula.resource.counters.health.interval=1s",
        "nebula.resource.cache.health.interval=1s"})
class RedisRestartTest {

    static final int MAX_SIZE = 2;
    private static final CountDownLatch NO_WAIT = new CountDownLatch(0);
    private static final Duration FAST = Duration.ofSeconds(10); // far below timeout and pool.acquire-timeout (30s)

    private final String clientName = "nebula-restart-" + UUID.randomUUID();

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Cache.class, Counters.class, HealthLog.class);

    @Inject
    Cache cache;

    @Inject
    Counters counters;

    @Inject
    HealthLog healthLog;

    @Inject
    Resources resources;

    @RuntimeConfig
    Map<String, String> connectionsNamedForThisTest() {
        return Map.of("nebula.resource.cache.client-name", clientName + "-cache",
                "nebula.resource.counters.client-name", clientName + "-counters");
    }

    @ApplicationScoped
    static class Cache {

        @Inject
        @NebulaResource("cache")
        RedisCommands<String, String> redis;

        @Inject
        @NebulaResource("cache")
        StatefulRedisConnection<String, String> connection;

        /** The provider's shallow check (PING) on the shared connection. */
        HealthStatus shallowCheck() {
            return new RedisProvider().check(connection, CheckDepth.SHALLOW);
        }

        String roundTrip() {
            String key = "nebula:test:" + UUID.randomUUID();
            redis.setex(key, 60, "order-42");
            try {
                return redis.get(key);
            } finally {
                redis.del(key);
            }
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

        /** Increments, holding its connection until {@code allHeld} opens (or 10 seconds passed). */
        @Action(resources = "counters")
        long increment(String key, CountDownLatch allHeld) throws InterruptedException {
            long value = redis.incr(key);
            redis.expire(key, 60);
            allHeld.countDown();
            allHeld.await(10, TimeUnit.SECONDS);
            return value;
        }
    }

    @ApplicationScoped
    static class HealthLog {

        final List<HealthChangedEvent> changes = new CopyOnWriteArrayList<>();

        void changed(@Observes HealthChangedEvent event) {
            changes.add(event);
        }

        List<HealthStatus.Status> of(String resource) {
            return changes.stream().filter(e -> e.resource().equals(resource)).map(e -> e.current().status()).toList();
        }
    }

    @Test
    void healthGoesDownCallsFailFastAndBothKindsRecoverWithoutARestartOfTheApplication() throws Exception {
        LocalServer.REDIS.ensureRunning();
        String key = "nebula:test:" + UUID.randomUUID();
        ManagedResource<?> counterResource = resources.find("counters").orElseThrow();
        assertThat(cache.roundTrip()).isEqualTo("order-42");
        incrementConcurrently(key, 2 * MAX_SIZE);
        assertThat(connectionsNamed(clientName + "-cache")).isEqualTo(1);
        assertThat(connectionsNamed(clientName + "-counters")).as("dedicated connections before the restart").isEqualTo(MAX_SIZE);
        assertThat(cacheHealth().isUp()).isTrue();
        assertThat(counterResource.health().isUp()).isTrue();

        try (LocalServer.Outage outage = LocalServer.REDIS.stop()) {
            await("shared connection DOWN while Redis is stopped").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> cacheHealth().status() == HealthStatus.Status.DOWN);
            for (int i = 0; i < 3; i++) {
                assertFailedFastWithTheClientsError(Attempt.of(cache::roundTrip), "cache");
                assertFailedFastWithTheClientsError(Attempt.of(() -> counters.increment(key, NO_WAIT)), "counters");
            }
            await("counters DOWN in the extension's health").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> counterResource.health().status() == HealthStatus.Status.DOWN);
            assertThat(healthLog.of("counters")).contains(HealthStatus.Status.DOWN);

            outage.end();
            await("the injected RedisCommands serves again once Redis is back").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !Attempt.of(cache::roundTrip).failed());
            await("an action leases a new dedicated connection once Redis is back").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !Attempt.of(() -> counters.increment(key, NO_WAIT)).failed());
            await("both UP again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cacheHealth().isUp() && counterResource.health().isUp()
                            && resources.find("cache").orElseThrow().health().isUp());
            assertThat(healthLog.of("counters")).as("health changes of counters").endsWith(HealthStatus.Status.UP);

            incrementConcurrently(key, 3 * MAX_SIZE);
            assertThat(connectionsNamed(clientName + "-cache")).as("the shared connection, reconnected").isEqualTo(1);
            assertThat(connectionsNamed(clientName + "-counters"))
                    .as("dedicated connections after the restart (pool.max-size=%s)", MAX_SIZE)
                    .isPositive().isLessThanOrEqualTo(MAX_SIZE);
            // polled: a scheduled health check holds an idle connection for the moment it checks it
            await("every lease back in the pool").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> counterResource.pool().active() == 0);
        } finally {
            if (LocalServer.REDIS.isReady()) {
                cache.delete(key);
            }
        }
    }

    private HealthStatus cacheHealth() {
        return cache.shallowCheck();
    }

    /**
     * Failed within seconds, not after a timeout, with Lettuce's connection error (not connected, connection
     * refused) as the error itself or as the cause of Nebula's word that the backend is unavailable.
     */
    private static void assertFailedFastWithTheClientsError(Attempt<?> attempt, String resource) {
        assertThat(attempt.failed()).as("%s while Redis is down: %s", resource, attempt).isTrue();
        assertThat(attempt.took()).as("%s failed fast: %s", resource, attempt).isLessThan(FAST);
        RedisException clientError = attempt.errorOfType(RedisException.class).orElseThrow(() ->
                new AssertionError("Lettuce's error is not in the chain " + attempt.errorChain(), attempt.error()));
        assertThat(RedisErrors.isFatal(clientError)).as("a connection error: %s", clientError).isTrue();
        assertThat(attempt.errorsAround(clientError)).allSatisfy(wrapper ->
                assertThat(Attempt.isBackendRefusal(wrapper, resource)).as("Nebula's backend refusal: %s", wrapper).isTrue());
    }

    /**
     * Runs {@code n} actions at once, more than the pool's maximum: the first {@link #MAX_SIZE} hold their
     * dedicated connections until all of them have one, so the pool is driven to its maximum and the others wait.
     */
    private void incrementConcurrently(String key, int n) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(n);
        CountDownLatch allHeld = new CountDownLatch(MAX_SIZE);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(callers.submit(() -> counters.increment(key, allHeld)));
            }
            for (Future<Long> result : results) {
                assertThat(result.get()).isPositive();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** Connections the server lists under {@code name} (CLIENT LIST), asked over a connection of the test's own. */
    private static long connectionsNamed(String name) {
        RedisClient admin = RedisClient.create(LocalRedis.URL);
        try (StatefulRedisConnection<String, String> connection = admin.connect()) {
            return connection.sync().clientList().lines().filter(line -> line.contains(" name=" + name + " ")).count();
        } finally {
            admin.shutdown();
        }
    }
}
