package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nebula.resource.ResourceSettings;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The NATS server the tests use: the local one that {@code .ci/services} starts (with JetStream). */
final class LocalNats {

    static final String URL = "nats://127.0.0.1:4222";

    private LocalNats() {
    }

    static ResourceSettings settings(String name, String... keyValues) {
        Map<String, String> values = new HashMap<>();
        values.put("url", URL);
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        values.values().removeIf(v -> v == null);
        return ResourceSettings.of(name, "nats", values);
    }

    /** Publishes a unique message on a unique subject and receives it through a subscription. */
    static void publishAndReceive(Connection connection) throws InterruptedException {
        String subject = "nebula.test." + UUID.randomUUID();
        Subscription subscription = connection.subscribe(subject);
        try {
            String body = "order-" + UUID.randomUUID();
            connection.publish(subject, body.getBytes(StandardCharsets.UTF_8));
            Message received = subscription.nextMessage(Duration.ofSeconds(5));
            assertThat(received).as("message on %s", subject).isNotNull();
            assertThat(new String(received.getData(), StandardCharsets.UTF_8)).isEqualTo(body);
        } finally {
            subscription.unsubscribe();
        }
    }

    static Throwable errorOf(Call call) {
        try {
            call.run();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    interface Call {
        void run() throws Exception;
    }
}
