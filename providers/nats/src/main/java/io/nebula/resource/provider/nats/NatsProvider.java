package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Kind {@code nats}: one jnats {@link Connection} that every user of the resource shares. It is
 * thread-safe and reconnects by itself (up to {@code max-reconnects} times) when a server goes away;
 * once jnats gives up, the connection is closed for good and the engine replaces it. Its users'
 * flushes share one PING at a time ({@link FlushRounds}). Also injectable as {@link JetStream}.
 */
public final class NatsProvider implements ResourceProvider<Connection> {

    private static final System.Logger LOG = System.getLogger(NatsProvider.class.getPackageName());

    @Override
    public String kind() {
        return "nats";
    }

    @Override
    public Class<Connection> type() {
        return Connection.class;
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    /** The keys of docs/providers: a resource of this kind with any other (beside the common ones) fails deployment. */
    @Override
    public List<ConfigKey> configKeys() {
        return NatsEndpoint.DEFINITIONS;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        NatsEndpoint.read(settings, problems);
        return problems.list();
    }

    @Override
    public Connection create(ResourceSettings settings) throws IOException, InterruptedException {
        NatsEndpoint endpoint = NatsEndpoint.read(settings);
        Connection jnats = Nats.connect(endpoint.options(settings.secret(NatsEndpoint.PASSWORD),
                settings.secret(NatsEndpoint.TOKEN)));
        return new SharedConnection(settings.name(), jnats);
    }

    /**
     * The shared connection tells the resource's health of each disconnection and reconnection, and of each flush
     * the server answered or left unanswered, at once (see {@link ConnectionReport}).
     */
    @Override
    public void reportTo(Connection connection, BackendSignal signal) {
        if (connection instanceof SharedConnection shared) {
            shared.reportTo(signal);
        }
    }

    /** Shallow: the status is CONNECTED. Deep: a request answered by a responder this check subscribes. */
    @Override
    public HealthStatus check(Connection connection, CheckDepth depth) {
        Connection.Status status = connection.getStatus();
        if (status != Connection.Status.CONNECTED) {
            return HealthStatus.down("connection " + status.name().toLowerCase(java.util.Locale.ROOT))
                    .withDetail("status", status.name());
        }
        return depth == CheckDepth.SHALLOW ? HealthStatus.up() : roundTrip(connection);
    }

    private static HealthStatus roundTrip(Connection connection) {
        Duration timeout = connection.getOptions().getConnectionTimeout();
        String subject = connection.createInbox(); // unique: no other subscriber can answer
        byte[] probe = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        Dispatcher responder = connection.createDispatcher(m -> connection.publish(m.getReplyTo(), m.getData()));
        try {
            responder.subscribe(subject);
            connection.flush(timeout); // the server knows the responder before the request is sent
            Message reply = connection.request(subject, probe, timeout);
            if (reply == null) {
                return HealthStatus.down("no reply to a request on " + subject + " within " + timeout.toMillis() + "ms");
            }
            return Arrays.equals(reply.getData(), probe) ? HealthStatus.up()
                    : HealthStatus.down("the reply on " + subject + " was not the probe sent");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthStatus.down(e);
        } catch (TimeoutException | RuntimeException e) {
            return HealthStatus.down(e);
        } finally {
            closeQuietly(connection, responder);
        }
    }

    private static void closeQuietly(Connection connection, Dispatcher responder) {
        try {
            connection.closeDispatcher(responder);
        } catch (RuntimeException e) {
            // the connection closed during the check: the dispatcher went with it
        }
    }

    @Override
    public void destroy(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "NEBULA-2900 nats: closing a connection failed", e);
        }
    }

    @Override
    public boolean isFatal(Throwable error) {
        return NatsErrors.isFatal(error);
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return NatsErrors.isRetryable(error);
    }

    @Override
    public Set<Class<?>> views() {
        return Set.of(JetStream.class);
    }

    @Override
    public <V> V view(Connection connection, Class<V> viewType) {
        if (viewType == JetStream.class) {
            try {
                return viewType.cast(connection.jetStream());
            } catch (IOException e) {
                throw new UncheckedIOException("JetStream is not available on " + connection.getConnectedUrl(), e);
            }
        }
        return ResourceProvider.super.view(connection, viewType);
    }
}
