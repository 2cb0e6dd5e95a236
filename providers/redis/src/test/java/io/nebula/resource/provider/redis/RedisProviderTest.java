package io.nebula.resource.provider.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the {@code redis} kind promises beyond the contract, against the local server. */
class RedisProviderTest {

    private final RedisProvider provider = new RedisProvider();
    private final List<StatefulRedisConnection<String, String>> open = new ArrayList<>();
    private final List<ResourceSettings> used = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        open.forEach(provider::destroy);
        used.forEach(provider::shutdown);
    }

    private StatefulRedisConnection<String, String> create(ResourceSettings settings) {
        used.add(settings);
        StatefulRedisConnection<String, String> c = provider.create(settings);
        open.add(c);
        return c;
    }

    @Test
    void oneSharedConnectionForEverybody() {
        assertThat(provider.kind()).isEqualTo("redis");
        assertThat(provider.topology()).isEqualTo(Topology.RESIDENT);
        assertThat(new DedicatedRedisProvider().topology()).isEqualTo(Topology.POOLED);
    }

    @Test
    @SuppressWarnings("unchecked") // the view types are generic; the provider hands out String codecs
    void everyViewRunsRealCommands() throws Exception {
        StatefulRedisConnection<String, String> c = create(LocalRedis.settings("cache", "redis"));
        assertThat(provider.views()).containsExactlyInAnyOrder(
                RedisCommands.class, RedisAsyncCommands.class, RedisReactiveCommands.class);
        String key = RedisCalls.key();
        try {
            RedisCommands<String, String> sync = provider.view(c, RedisCommands.class);
            RedisAsyncCommands<String, String> async = provider.view(c, RedisAsyncCommands.class);
            RedisReactiveCommands<String, String> reactive = provider.view(c, RedisReactiveCommands.class);

            assertThat(sync.set(key, "from-sync")).isEqualTo("OK");
            assertThat(async.append(key, "+async").get(5, TimeUnit.SECONDS)).isEqualTo(15L);
            assertThat(reactive.append(key, "+reactive").block(Duration.ofSeconds(5))).isEqualTo(24L);
            assertThat(sync.get(key)).isEqualTo("from-sync+async+reactive");
        } finally {
            c.sync().del(key);
        }
        assertThat(provider.view(c, StatefulRedisConnection.class)).isSameAs(c);
        assertThatThrownBy(() -> provider.view(c, String.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectionsOfOneResourceShareOneClientWhoseThreadsStopAtShutdown() {
        Set<Thread> before = lettuceThreads();
        ResourceSettings settings = LocalRedis.settings("shared", "redis");
        StatefulRedisConnection<String, String> first = provider.create(settings);
        StatefulRedisConnection<String, String> second = provider.create(settings);
        second.sync().ping(); // both event loops busy at least once
        first.sync().ping();

        SharedClient client = provider.clientOf(settings);
        assertThat(provider.madeWith(first).client()).isSameAs(client).isSameAs(provider.madeWith(second).client());
        Set<Thread> started = lettuceThreads();
        started.removeAll(before);
        assertThat(started).as("event loop threads of the shared client").isNotEmpty();

        provider.destroy(first);
        provider.destroy(second);
        provider.shutdown(settings);

        assertThat(client.isRunning()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void shutdownWaitsForTheLastOpenConnection() {
        ResourceSettings settings = LocalRedis.settings("draining", "redis");
        StatefulRedisConnection<String, String> still = create(settings);
        provider.shutdown(settings); // e.g. another tenant's pool of the same resource closed

        assertThat(still.sync().ping()).isEqualTo("PONG");
        assertThat(provider.clientOf(settings).isRunning()).isTrue();

        provider.destroy(still);
        assertThat(provider.clientOf(settings).isRunning()).isFalse();

        StatefulRedisConnection<String, String> again = create(settings);
        assertThat(again.sync().ping()).as("a connect after shutdown makes a new client").isEqualTo("PONG");
    }

    @Test
    void shutdownReleasesTheClientOfEveryEndpointOfTheResource() {
        ResourceSettings base = LocalRedis.settings("weighted", "redis");
        // as the engine makes the connections of a second endpoint: the same name, keys overridden
        ResourceSettings otherEndpoint = base.withAll(Map.of("url", "redis://127.0.0.1:6379/1", "endpoint", "b"));
        StatefulRedisConnection<String, String> a = provider.create(base);
        StatefulRedisConnection<String, String> b = provider.create(otherEndpoint);
        SharedClient clientA = provider.clientOf(base);
        SharedClient clientB = provider.clientOf(otherEndpoint);
        assertThat(clientA).isNotSameAs(clientB);

        provider.destroy(a);
        provider.destroy(b);
        provider.shutdown(base);

        assertThat(clientA.isRunning()).isFalse();
        assertThat(clientB.isRunning()).isFalse();
    }

    @Test
    void resourcesDoNotShareClients() {
        StatefulRedisConnection<String, String> a = create(LocalRedis.settings("a", "redis"));
        StatefulRedisConnection<String, String> b = create(LocalRedis.settings("b", "redis"));
        assertThat(provider.madeWith(a).client()).isNotSameAs(provider.madeWith(b).client());
    }

    @Test
    void clientNameAndDatabaseReachTheServer() {
        StatefulRedisConnection<String, String> c = create(LocalRedis.settings("named", "redis",
                "url", "redis://127.0.0.1:6379/4", "client-name", "nebula-test-" + UUID.randomUUID()));
        String info = c.sync().clientInfo();
        assertThat(info).contains(" name=nebula-test-").contains(" db=4 ");
    }

    @Test
    void deepCheckLeavesNoProbeKeyBehind() {
        StatefulRedisConnection<String, String> c = create(LocalRedis.settings("probe", "redis"));
        assertThat(provider.check(c, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(c.sync().keys(LettuceProvider.PROBE_PREFIX + "*")).isEmpty();
    }

    @Test
    void theSharedConnectionComesBackAfterTheServerDroppedIt() {
        StatefulRedisConnection<String, String> c = create(LocalRedis.settings("resilient", "redis"));
        StatefulRedisConnection<String, String> admin = create(LocalRedis.settings("admin", "redis"));
        long id = c.sync().clientId();

        assertThat(admin.sync().clientKill(KillArgs.Builder.id(id))).isEqualTo(1L);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(provider.check(c, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
            assertThat(c.sync().clientId()).isNotEqualTo(id);
        });
        RedisCalls.setGetDelete(c.sync());
    }

    @Test
    void wrongCredentialsAreNotRetryableAndNeverShown() {
        ResourceSettings settings = LocalRedis.settings("guarded", "redis",
                "username", "nebula-nobody", "password", "hunter2-Pass");
        used.add(settings);
        Throwable error = RedisCalls.errorOf(() -> provider.create(settings));

        assertThat(error).isNotNull().hasStackTraceContaining("WRONGPASS");
        assertThat(provider.isRetryable(error)).isFalse();
        assertThat(stackTraceOf(error)).doesNotContain("hunter2");
    }

    @Test
    void anUnknownDatabaseIsNotRetryable() {
        ResourceSettings settings = LocalRedis.settings("far", "redis", "url", "redis://127.0.0.1:6379/999");
        used.add(settings);
        Throwable error = RedisCalls.errorOf(() -> provider.create(settings));

        assertThat(error).isNotNull().hasStackTraceContaining("DB index is out of range");
        assertThat(provider.isRetryable(error)).isFalse();
    }

    @Test
    void aServerThatIsNotThereIsRetryable() {
        ResourceSettings settings = LocalRedis.settings("nowhere", "redis", "url", "redis://127.0.0.1:1/0");
        used.add(settings);
        Throwable error = RedisCalls.errorOf(() -> provider.create(settings));

        assertThat(error).isNotNull();
        assertThat(provider.isRetryable(error)).isTrue();
        assertThat(provider.isFatal(error)).isTrue();
    }

    @Test
    void aTimedOutCommandDoesNotBreakTheConnection() {
        StatefulRedisConnection<String, String> c = create(LocalRedis.settings("slow", "redis", "timeout", "200ms"));
        Throwable error = RedisCalls.errorOf(() -> c.sync().blpop(2, RedisCalls.key()));

        assertThat(error).isNotNull().hasMessageContaining("timed out");
        assertThat(provider.isFatal(error)).isFalse();
    }

    private static Set<Thread> lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lettuce-"))
                .collect(Collectors.toSet());
    }

    private static String stackTraceOf(Throwable error) {
        java.io.StringWriter out = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
