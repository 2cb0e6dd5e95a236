package io.nebula.resource.faults;

import io.nats.client.Connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/** NATS ({@code nats}, one shared connection that jnats reconnects), held as a {@code Connection}. */
class NatsFailureTableTest extends ResidentFailureTable<Connection> {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "nats", "url", "nats://{proxy}", "connection-timeout", "1s", "max-reconnects", "-1");
    }

    @Override
    int serverPort() {
        return 4222;
    }

    @Override
    Class<?> leaseType() {
        return Connection.class;
    }

    @Override
    Class<? extends Throwable> backendError() {
        return IOException.class;
    }

    @Override
    Class<Connection> viewType() {
        return Connection.class;
    }

    /** A publish and a flush, as the fault suite's callers make them. */
    @Override
    void call(Connection instance) throws Exception {
        instance.publish("nebula.failure-table", "order-42".getBytes(StandardCharsets.UTF_8));
        instance.flush(Duration.ofMillis(500));
    }

    @Override
    void awaitTheClientNoticed(Connection instance) {
        await().atMost(Duration.ofSeconds(5)).until(() -> instance.getStatus() != Connection.Status.CONNECTED);
    }

    /** docs/providers/nats.md: a publish is buffered while jnats reconnects; the flush times out. */
    @Override
    Class<? extends Throwable> clientErrorWhileAway() {
        return TimeoutException.class;
    }

    @Override
    Class<? extends Throwable> clientErrorOnceClosed() {
        return IllegalStateException.class;
    }
}
