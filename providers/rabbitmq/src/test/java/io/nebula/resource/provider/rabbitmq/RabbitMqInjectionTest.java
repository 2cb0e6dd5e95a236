package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ through the extension on Weld SE: an {@link Action} publishes with the injected
 * {@code Channel} and gets the message back; the channel is leased for the action and goes back to the
 * pool when it ends.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.jobs.kind=rabbitmq",
        "nebula.resource.jobs.uri=" + LocalRabbit.URI,
        "nebula.resource.jobs.username=guest",
        "nebula.resource.jobs.password=guest",
        "nebula.resource.jobs.pool.max-size=2"})
class RabbitMqInjectionTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(OrderEvents.class);

    @Inject
    OrderEvents events;

    @Inject
    Resources resources;

    /** What the action saw. */
    record RoundTrip(String received, int channelAtStart, int channelAtEnd, int leasesDuring) {
    }

    @ApplicationScoped
    static class OrderEvents {

        @Inject
        @NebulaResource("jobs")
        Channel channel;

        @Inject
        Resources resources;

        @Action(resources = "jobs")
        RoundTrip publishAndGetBack(String body) throws IOException {
            int atStart = channel.getChannelNumber();
            String queue = channel.queueDeclare().getQueue(); // server-named, exclusive, deleted with its connection
            try {
                channel.basicPublish("", queue, null, body.getBytes(StandardCharsets.UTF_8));
                // polled on this thread: the channel is the lease of this thread's action
                GetResponse got = await("message routed to " + queue).atMost(Duration.ofSeconds(5)).pollInSameThread()
                        .pollInterval(Duration.ofMillis(20)).until(() -> channel.basicGet(queue, true), Objects::nonNull);
                return new RoundTrip(new String(got.getBody(), StandardCharsets.UTF_8), atStart,
                        channel.getChannelNumber(), resources.find("jobs").orElseThrow().pool().active());
            } finally {
                channel.queueDelete(queue);
            }
        }
    }

    @Test
    void anActionPublishesAndGetsTheMessageBackOnOneLeasedChannel() throws IOException {
        String body = "order-" + UUID.randomUUID();
        RoundTrip trip = events.publishAndGetBack(body);
        assertThat(trip.received()).isEqualTo(body);
        assertThat(trip.channelAtEnd()).as("every call of the action used one channel").isEqualTo(trip.channelAtStart());
        assertThat(trip.leasesDuring()).as("leased for the action").isEqualTo(1);
        assertThat(resources.find("jobs").orElseThrow().pool().active()).as("released when the action ended").isZero();
    }

    @Test
    void theNextActionReusesTheChannelFromThePool() throws IOException {
        int first = events.publishAndGetBack("first").channelAtStart();
        int second = events.publishAndGetBack("second").channelAtStart();
        assertThat(second).isEqualTo(first);
        assertThat(resources.find("jobs").orElseThrow().pool().size()).as("one channel made, used twice").isEqualTo(1);
    }
}
