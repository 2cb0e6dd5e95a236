package io.nebula.resource.provider.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared connection of a {@code redis} resource tells its health of a lost server and of its return as Lettuce
 * sees them, with no command or acquisition involved: the local server behind a {@link FaultProxy}, which goes down
 * and up (the server itself is never stopped).
 */
class ConnectionReportTest {

    /** What a pool's signal would be told, in order: "DOWN: message" or "UP". */
    static final class Recorded implements BackendSignal {
        final List<String> news = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void unavailable(Throwable error) {
            threads.add(Thread.currentThread().getName());
            news.add("DOWN: " + error.getMessage());
        }

        @Override
        public void available() {
            threads.add(Thread.currentThread().getName());
            news.add("UP");
        }

        String last() {
            return news.isEmpty() ? "none" : news.get(news.size() - 1);
        }
    }

    private FaultProxy proxy;
    private LettuceProvider provider;
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

    private Recorded connectThroughTheProxy(LettuceProvider kind, String kindName) throws IOException {
        proxy = FaultProxy.start("127.0.0.1", 6379);
        provider = kind;
        settings = LocalRedis.settings("cache", kindName, "url", "redis://" + proxy.host() + ":"
                + proxy.port() + "/0");
        connection = provider.create(settings);
        Recorded signal = new Recorded();
        provider.reportTo(connection, signal);
        assertThat(connection.sync().ping()).isEqualTo("PONG");
        return signal;
    }

    @Test
    void aLostServerIsReportedWithinASecondAndItsReturnOnceLettuceReconnected() throws IOException {
        Recorded signal = connectThroughTheProxy(new RedisProvider(), "redis");
        assertThat(signal.news).as("nothing to tell while connected").isEmpty();

        proxy.down();
        await("DOWN reported").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> signal.last().startsWith("DOWN"));
        assertThat(signal.last()).contains("'cache'", proxy.host() + ":" + proxy.port());

        proxy.up();
        await("UP reported").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> signal.last().equals("UP"));
        assertThat(connection.sync().ping()).as("served once reported UP").isEqualTo("PONG");
        assertThat(signal.threads).as("never told on a netty I/O loop (lettuce-nioEventLoop-..., -epollEventLoop-...)")
                .noneMatch(name -> name.contains("EventLoop"));
    }

    @Test
    void aDedicatedConnectionReportsNothing() throws IOException {
        Recorded signal = connectThroughTheProxy(new DedicatedRedisProvider(), "redis-dedicated");

        proxy.down();
        await("disconnected").atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());

        assertThat(signal.news).as("a pooled connection is replaced, not reconnected: its pool's acquisitions tell")
                .isEmpty();
    }
}
