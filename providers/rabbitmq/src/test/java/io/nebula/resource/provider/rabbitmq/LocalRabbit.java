package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.nebula.resource.ResourceSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker the tests use: the local one that {@code .ci/services} starts, user guest. */
final class LocalRabbit {

    static final String URI = "amqp://127.0.0.1:5672/";

    private LocalRabbit() {
    }

    static ResourceSettings settings(String name, String... keyValues) {
        Map<String, String> values = new HashMap<>();
        values.put("uri", URI);
        values.put("username", "guest");
        values.put("password", "guest");
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        values.values().removeIf(v -> v == null);
        return ResourceSettings.of(name, "rabbitmq", values);
    }

    /** Publishes a unique message to a temporary queue and gets it back. */
    static void publishAndGet(Channel channel) throws IOException {
        String queue = channel.queueDeclare().getQueue();
        try {
            String body = "order-" + UUID.randomUUID();
            channel.basicPublish("", queue, null, body.getBytes(StandardCharsets.UTF_8));
            GetResponse got = null;
            for (int i = 0; i < 50 && got == null; i++) { // the broker routes asynchronously
                got = channel.basicGet(queue, true);
            }
            assertThat(got).as("message published to %s", queue).isNotNull();
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
        } finally {
            channel.queueDelete(queue);
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
