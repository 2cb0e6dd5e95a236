package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** NATS through the extension on Weld SE: the injected shared {@code Connection} publishes, subscribes and requests. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.events.kind=nats",
        "nebula.resource.events.url=" + LocalNats.URL})
class NatsInjectionTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(OrderEvents.class);

    @Inject
    OrderEvents events;

    @ApplicationScoped
    static class OrderEvents {

        @Inject
        @NebulaResource("events")
        Connection nats;

        /** Publishes on a subject it subscribed to, and returns what arrived. */
        String publishAndReceive(String subject, String body) throws InterruptedException {
            Subscription subscription = nats.subscribe(subject);
            try {
                nats.publish(subject, body.getBytes(StandardCharsets.UTF_8));
                Message received = subscription.nextMessage(Duration.ofSeconds(5));
                return received == null ? null : text(received);
            } finally {
                subscription.unsubscribe();
            }
        }

        /** Asks a responder on {@code subject}, which answers "ack:" and what it was sent. */
        String request(String subject, String body) throws InterruptedException {
            Dispatcher responder = nats.createDispatcher(m -> nats.publish(m.getReplyTo(),
                    ("ack:" + text(m)).getBytes(StandardCharsets.UTF_8)));
            try {
                responder.subscribe(subject);
                nats.flush(Duration.ofSeconds(5)); // the server knows the responder before the request goes out
                Message reply = nats.request(subject, body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
                return reply == null ? null : text(reply);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("flush timed out", e);
            } finally {
                nats.closeDispatcher(responder);
            }
        }

        private static String text(Message m) {
            return new String(m.getData(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void publishAndSubscribe() throws InterruptedException {
        String body = "order-" + UUID.randomUUID();
        assertThat(events.publishAndReceive("nebula.test." + UUID.randomUUID(), body)).isEqualTo(body);
    }

    @Test
    void requestAndReply() throws InterruptedException {
        String body = "order-" + UUID.randomUUID();
        assertThat(events.request("nebula.test." + UUID.randomUUID(), body)).isEqualTo("ack:" + body);
    }
}
