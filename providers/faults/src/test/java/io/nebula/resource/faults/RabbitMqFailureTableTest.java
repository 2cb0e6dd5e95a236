package io.nebula.resource.faults;

import com.rabbitmq.client.Channel;

import java.net.ConnectException;
import java.util.Map;

/** RabbitMQ ({@code rabbitmq}, pooled channels): every row through a {@code Channel} lease. */
class RabbitMqFailureTableTest extends FailureTable {

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "rabbitmq", "uri", "amqp://{proxy}/", "username", "guest", "password", "guest",
                "connection-timeout", "2s", "rpc-timeout", "2s");
    }

    @Override
    int serverPort() {
        return 5672;
    }

    @Override
    Class<?> leaseType() {
        return Channel.class;
    }

    @Override
    Class<? extends Throwable> backendError() {
        return ConnectException.class;
    }
}
