package io.nebula.resource.faults;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import org.jboss.weld.environment.se.WeldContainer;

import java.io.IOException;
import java.util.Map;

/**
 * RabbitMQ: a channel leased with {@code Resources.acquire}, a passive declaration (a round trip) on it. The
 * resource's channels share one connection, the one the proxy counts; the broker's management API, which could
 * count its channels, is not enabled on the local broker. The password is {@code guest}, the user's name too, so a
 * message naming the user would look like a leak: there is no secret to look for.
 */
class RabbitMqFaultsTest extends FaultScenario {

    @Override
    String resource() {
        return "jobs";
    }

    @Override
    int serverPort() {
        return 5672;
    }

    @Override
    Map<String, String> keys(String host, int port) {
        return Map.of("kind", "rabbitmq",
                "uri", "amqp://" + host + ":" + port + "/",
                "username", "guest",
                "password", "guest",
                "connection-timeout", "2s",
                "rpc-timeout", "2s",
                "pool.max-size", String.valueOf(MAX_SIZE));
    }

    @Override
    Outage.Call call(WeldContainer container) {
        Resources resources = container.select(Resources.class).get();
        return () -> {
            try (Lease<Channel> lease = resources.acquire(resource(), Channel.class)) {
                lease.get().exchangeDeclarePassive("amq.direct");
            }
        };
    }

    /**
     * docs/resilience.md: an acquisition refused ({@code AcquisitionTimeoutException}, {@code CircuitOpenException});
     * docs/providers/rabbitmq.md: amqp-client's errors on a channel whose connection went away.
     */
    @Override
    boolean isDocumented(Throwable error) {
        return error instanceof AcquisitionTimeoutException || error instanceof CircuitOpenException
                || error instanceof IOException || error instanceof ShutdownSignalException;
    }

    @Override
    int maxServerConnections() {
        return 1;
    }
}
