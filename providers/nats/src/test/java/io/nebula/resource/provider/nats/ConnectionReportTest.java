package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The shared connection of a {@code nats} resource tells its health of a lost server, of its return, and of a server
 * that stops answering on a connection still open, with no acquisition involved: the local server behind a
 * {@link FaultProxy}, which goes down and up or slows down (the server itself is never stopped).
 */
class ConnectionReportTest {

    private static final String TOKEN = "nats-token-never-shown";

    /** What a pool's signal would be told, in order: "DOWN: message" or "UP". */
    static final class Recorded implements BackendSignal {
        final List<String> news = new CopyOnWriteArrayList<>();

        @Override
        public void unavailable(Throwable error) {
            news.add("DOWN: " + error.getMessage());
        }

        @Override
        public void available() {
            news.add("UP");
        }

        String last() {
            return news.isEmpty() ? "none" : news.get(news.size() - 1);
        }
    }

    private final NatsProvider provider = new NatsProvider();
    private FaultProxy proxy;
    private Connection connection;

    @AfterEach
    void closeEverything() {
        if (connection != null) {
            provider.destroy(connection);
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private Recorded connectThroughTheProxy() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 4222);
        ResourceSettings settings = LocalNats.settings("events", "url", "nats://" + proxy.host() + ":" + proxy.port(),
                "token", TOKEN, "max-reconnects", "-1");
        connection = provider.create(settings);
        Recorded signal = new Recorded();
        provider.reportTo(connection, signal);
        return signal;
    }

    @Test
    void aLostServerIsReportedWithinASecondAndItsReturnOnceJnatsReconnected() throws Exception {
        Recorded signal = connectThroughTheProxy();
        connection.flush(Duration.ofSeconds(1));
        assertThat(signal.news).as("only answered flushes while connected").containsOnly("UP");

        proxy.down();
        await("DOWN reported").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> signal.last().startsWith("DOWN"));
        assertThat(signal.last()).contains("'events'").doesNotContain(TOKEN);

        proxy.up();
        await("UP reported").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> signal.last().equals("UP"));
        assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    }

    @Test
    void aServerThatStopsAnsweringOnAnOpenConnectionIsReportedByTheFlushThatWaitedForIt() throws Exception {
        Recorded signal = connectThroughTheProxy();
        connection.flush(Duration.ofSeconds(1));

        proxy.latency(Duration.ofSeconds(3), Duration.ZERO);
        assertThatThrownBy(() -> connection.flush(Duration.ofMillis(300))).isInstanceOf(TimeoutException.class);

        await("DOWN reported").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> signal.last().startsWith("DOWN"));
        assertThat(connection.getStatus()).as("no event: jnats still holds the connection for open")
                .isEqualTo(Connection.Status.CONNECTED);

        proxy.latency(Duration.ZERO, Duration.ZERO);
        await("UP reported by an answered flush").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    connection.flush(Duration.ofSeconds(1));
                    return signal.last().equals("UP");
                });
    }
}
