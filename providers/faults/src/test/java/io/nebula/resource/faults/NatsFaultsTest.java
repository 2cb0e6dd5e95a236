package io.nebula.resource.faults;

import io.nats.client.Connection;
import io.nebula.resource.NebulaResource;
import org.jboss.weld.environment.se.WeldContainer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * NATS through the injected {@code Connection}, which jnats reconnects: a publish and a {@code flush(1s)} per call.
 * The proxy counts the connection (the server's monitoring port is not enabled on the local server). The local
 * server has no authentication and accepts any token, so the token is a secret no message may show.
 */
class NatsFaultsTest extends FaultScenario {

    private final String token = "nats-secret-" + UUID.randomUUID();

    @Override
    String resource() {
        return "events";
    }

    @Override
    int serverPort() {
        return 4222;
    }

    @Override
    Map<String, String> keys(String host, int port) {
        return Map.of("kind", "nats",
                "url", "nats://" + host + ":" + port,
                "token", token,
                "max-reconnects", "-1");
    }

    @Override
    Outage.Call call(WeldContainer container) {
        Connection nats = container.select(Connection.class, NebulaResource.Literal.of(resource())).get();
        byte[] payload = "order-42".getBytes(StandardCharsets.UTF_8);
        String subject = "nebula.faults." + UUID.randomUUID();
        return () -> {
            nats.publish(subject, payload);
            nats.flush(Duration.ofSeconds(1));
        };
    }

    /** docs/providers/nats.md: a flush that times out or fails ({@code TimeoutException}), a closed connection. */
    @Override
    boolean isDocumented(Throwable error) {
        return error instanceof TimeoutException || error instanceof IllegalStateException;
    }

    @Override
    int maxServerConnections() {
        return 1;
    }

    @Override
    List<String> secrets() {
        return List.of(token);
    }
}
