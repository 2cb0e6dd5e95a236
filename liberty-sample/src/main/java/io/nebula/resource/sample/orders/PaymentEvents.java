package io.nebula.resource.sample.orders;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.nats.client.Connection;
import io.nebula.resource.Action;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Announces captured payments on the message brokers, when the configuration declares them: the
 * RabbitMQ resource {@code payment-events} and the NATS resource {@code order-notifications} exist in
 * the services profile only. The action therefore declares no resources up front and asks for each one
 * that is there.
 */
@ApplicationScoped
public class PaymentEvents {

    static final String RABBITMQ = "payment-events";
    static final String NATS = "order-notifications";
    /** Bounded, so that a sample left running without a consumer does not fill the broker. */
    static final String QUEUE = "nebula-sample.payments";
    static final Map<String, Object> QUEUE_ARGUMENTS = Map.of("x-max-length", 1000);

    @Inject
    Resources resources;

    /** Publishes one message per paid order; returns where they went, empty when no broker is declared. */
    @Action("PublishPaymentEvents")
    public List<String> publish(String tenant, List<Order> paid) throws IOException, InterruptedException, TimeoutException {
        List<String> destinations = new ArrayList<>();
        if (paid.isEmpty()) {
            return destinations;
        }
        if (resources.find(RABBITMQ).isPresent()) {
            try (Lease<Channel> lease = resources.acquire(RABBITMQ, Channel.class)) {
                Channel channel = lease.get();
                channel.queueDeclare(QUEUE, false, false, false, QUEUE_ARGUMENTS);
                AMQP.BasicProperties json = new AMQP.BasicProperties.Builder().contentType("application/json").build();
                for (Order order : paid) {
                    channel.basicPublish("", QUEUE, json, message(order));
                }
            }
            destinations.add("rabbitmq queue " + QUEUE);
        }
        if (resources.find(NATS).isPresent()) {
            Connection nats = resources.get(NATS, Connection.class);
            String subject = "nebula-sample." + tenant + ".paid";
            for (Order order : paid) {
                nats.publish(subject, message(order));
            }
            nats.flush(Duration.ofSeconds(5));
            destinations.add("nats subject " + subject);
        }
        return destinations;
    }

    private static byte[] message(Order order) {
        return Json.createObjectBuilder()
                .add("tenant", order.tenant())
                .add("orderId", order.id())
                .add("chargeId", order.chargeId())
                .add("amountCents", order.amountCents())
                .add("currency", order.currency())
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }
}
