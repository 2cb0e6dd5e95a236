package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.nebula.resource.ResourceSettings;

import io.nebula.resource.spi.SharedBackend;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeoutException;

/**
 * The one AMQP connection whose channels are a resource's instances. It is opened by the first
 * channel and opened again by the next channel after the broker closed it (a restart, a missed
 * heartbeat); the channels of the lost connection are closed with it and the engine discards them.
 *
 * <p>The engine asks for a shutdown once per pool, but several pools may be built from one
 * resource's settings (one per tenant): the connection is therefore closed only once no channel
 * opened through it is left. A channel opened after a shutdown opens a new connection.
 */
final class SharedConnection {

    private static final System.Logger LOG = System.getLogger(SharedConnection.class.getPackageName());
    private static final int CLOSE_TIMEOUT_MILLIS = 2_000;

    private final String resource;
    private final RabbitEndpoint endpoint;
    private final SharedBackend<Connection> connection = new SharedBackend<>(Connection::isOpen, this::close);

    SharedConnection(String resource, RabbitEndpoint endpoint) {
        this.resource = resource;
        this.endpoint = endpoint;
    }

    /**
     * Opens a channel, and the connection first if it is not open; pair it with one
     * {@link #release()} once the channel is closed. The password is read from the settings only
     * when a connection is opened.
     */
    Channel openChannel(ResourceSettings settings) throws IOException, TimeoutException {
        Connection c = retain(settings);
        try {
            Channel channel = c.createChannel();
            if (channel == null) {
                throw new IOException("The connection of resource '" + resource + "' to " + endpoint.address()
                        + " has no free channel: the broker's channel-max is reached");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
    }

    /** A channel opened by {@link #openChannel} is closed. */
    void release() {
        connection.release();
    }

    /** Closes the connection now if no channel is left, else as soon as the last one is released. */
    void shutdown() {
        connection.shutdown();
    }

    /** The connection if one is open, for tests and diagnostics. */
    Connection current() {
        return connection.current();
    }

    private Connection retain(ResourceSettings settings) throws IOException, TimeoutException {
        try {
            return connection.retain(() -> open(settings));
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e); // open throws nothing else
        }
    }

    private Connection open(ResourceSettings settings) throws IOException, TimeoutException {
        ConnectionFactory factory;
        try {
            factory = endpoint.factory(settings.secret(RabbitEndpoint.PASSWORD));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("No TLS context for resource '" + resource + "' to " + endpoint.address(), e);
        }
        Connection c = factory.newConnection(endpoint.connectionName());
        LOG.log(Level.DEBUG, "NEBULA-2800 rabbitmq: resource ''{0}'' connected to {1}", resource, endpoint.address());
        return c;
    }

    private void close(Connection c) {
        // abort: closes like close() but swallows the errors of a connection that is already gone
        c.abort(CLOSE_TIMEOUT_MILLIS);
        LOG.log(Level.DEBUG, "NEBULA-2801 rabbitmq: connection of resource ''{0}'' closed", resource);
    }
}
