package io.nebula.resource.provider.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;

/**
 * Kind {@code rabbitmq}: the instances are {@link Channel}s of one AMQP connection per resource.
 * Channels are not thread-safe, so the engine pools them, one holder at a time; the connection is
 * opened by the first channel and closed when the resource closes. A channel the broker closed
 * (after a channel error such as a passive declare of a missing queue) is discarded.
 */
public final class RabbitMqProvider implements ResourceProvider<Channel> {

    private static final System.Logger LOG = System.getLogger(RabbitMqProvider.class.getPackageName());

    private final ConcurrentMap<ConnectionKey, SharedConnection> connections = new ConcurrentHashMap<>();
    private final ConcurrentMap<Channel, Made> made = new ConcurrentHashMap<>();

    /** What a channel was opened with, to release it. */
    private record Made(String resource, SharedConnection connection) {
    }

    @Override
    public String kind() {
        return "rabbitmq";
    }

    @Override
    public Class<Channel> type() {
        return Channel.class;
    }

    @Override
    public Topology topology() {
        return Topology.POOLED;
    }

    /** The keys of docs/providers: a resource of this kind with any other (beside the common ones) fails deployment. */
    @Override
    public List<ConfigKey> configKeys() {
        return RabbitEndpoint.DEFINITIONS;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        RabbitEndpoint.read(settings, problems);
        return problems.list();
    }

    @Override
    public Channel create(ResourceSettings settings) throws IOException, TimeoutException {
        RabbitEndpoint endpoint = RabbitEndpoint.read(settings);
        SharedConnection connection = connections.computeIfAbsent(new ConnectionKey(settings.name(), endpoint),
                k -> new SharedConnection(settings.name(), endpoint));
        Channel channel = connection.openChannel(settings);
        made.put(channel, new Made(settings.name(), connection));
        return channel;
    }

    /** Shallow: the channel and its connection are open. Deep: a server-named queue is declared and deleted. */
    @Override
    public HealthStatus check(Channel channel, CheckDepth depth) {
        if (!channel.isOpen()) {
            return HealthStatus.down(closeReason(channel));
        }
        if (!channel.getConnection().isOpen()) {
            return HealthStatus.down("connection closed");
        }
        if (depth == CheckDepth.SHALLOW) {
            return HealthStatus.up();
        }
        try {
            // exclusive and auto-deleted: should the delete never run, the broker drops it with the connection
            String queue = channel.queueDeclare().getQueue();
            channel.queueDelete(queue);
            return HealthStatus.up();
        } catch (IOException | RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    /**
     * A closed channel cannot be reused. An open one loses the confirm and return listeners of its
     * last holder, which would otherwise hear about the next holder's messages. What the client
     * cannot undo or even see stays: consumers (cancel them before giving the channel back),
     * a transaction mode, the prefetch. A holder that used those should invalidate its lease.
     */
    @Override
    public boolean recycle(Channel channel) {
        if (!channel.isOpen() || !channel.getConnection().isOpen()) {
            return false;
        }
        channel.clearConfirmListeners();
        channel.clearReturnListeners();
        return true;
    }

    @Override
    public void destroy(Channel channel) {
        Made m = made.remove(channel);
        try {
            if (channel.isOpen()) {
                channel.abort(); // close, swallowing the errors of a channel the broker already dropped
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "NEBULA-2802 rabbitmq: closing a channel of resource '"
                    + (m == null ? "?" : m.resource()) + "' failed", e);
        } finally {
            if (m != null) {
                m.connection().release();
            }
        }
    }

    /**
     * Closes every connection of the resource: the engine may have opened its channels with
     * per-endpoint variants of these settings (other brokers under the same name), each with its
     * connection.
     */
    @Override
    public void shutdown(ResourceSettings settings) {
        connections.forEach((key, connection) -> {
            if (key.resource().equals(settings.name())) {
                connection.shutdown();
            }
        });
    }

    @Override
    public boolean isFatal(Throwable error) {
        return RabbitErrors.isFatal(error);
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return RabbitErrors.isRetryable(error);
    }

    /** The shared connection for these settings, if a channel was ever opened with them. */
    SharedConnection connectionOf(ResourceSettings settings) {
        return connections.get(new ConnectionKey(settings.name(), RabbitEndpoint.read(settings)));
    }

    /** Why a channel closed, as the broker said it: e.g. {@code 404 NOT_FOUND - no queue 'x'}. */
    private static String closeReason(Channel channel) {
        ShutdownSignalException signal = channel.getCloseReason();
        if (signal == null) {
            return "channel closed";
        }
        if (signal.isInitiatedByApplication()) {
            return "channel closed by the application";
        }
        if (signal.getReason() instanceof AMQP.Channel.Close close) {
            return "channel closed by the broker: " + close.getReplyCode() + " " + close.getReplyText();
        }
        if (signal.getReason() instanceof AMQP.Connection.Close close) {
            return "connection closed by the broker: " + close.getReplyCode() + " " + close.getReplyText();
        }
        return "channel closed: " + signal.getMessage();
    }

    /**
     * The endpoint is part of the key so that channels made for the same resource with other keys
     * (an endpoint of a weighted set, an override) never share a connection to another broker or
     * virtual host.
     */
    private record ConnectionKey(String resource, RabbitEndpoint endpoint) {
    }
}
