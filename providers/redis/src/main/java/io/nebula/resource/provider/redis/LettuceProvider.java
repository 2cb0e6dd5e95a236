package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the two Redis kinds have in common: the keys, the connection through a client shared per
 * resource, the health checks and the error classification. They differ in how their connections
 * are shared ({@link #topology()}) and so in whether Lettuce reconnects them by itself.
 */
abstract class LettuceProvider implements ResourceProvider<StatefulRedisConnection<String, String>> {

    private static final System.Logger LOG = System.getLogger(LettuceProvider.class.getPackageName());

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Class<StatefulRedisConnection<String, String>> TYPE = (Class) StatefulRedisConnection.class;
    private static final Set<Class<?>> VIEWS = Set.of(RedisCommands.class, RedisAsyncCommands.class, RedisReactiveCommands.class);

    /** Deep checks write keys under this prefix; each expires by itself should its DEL never run. */
    static final String PROBE_PREFIX = "nebula:health:";
    private static final long PROBE_TTL_MILLIS = 60_000;

    private final ConcurrentMap<ClientKey, SharedClient> clients = new ConcurrentHashMap<>();
    private final ConcurrentMap<StatefulRedisConnection<?, ?>, Made> made = new ConcurrentHashMap<>();

    /** What a connection was made with, to reset and release it. */
    record Made(String resource, SharedClient client, RedisEndpoint endpoint) {
    }

    /**
     * Whether Lettuce reconnects a lost connection by itself: right for a connection everybody
     * shares, wrong for a pooled one, which the engine replaces instead.
     */
    abstract boolean autoReconnect();

    @Override
    public final Class<StatefulRedisConnection<String, String>> type() {
        return TYPE;
    }

    /** The keys of docs/providers: a resource of this kind with any other (beside the common ones) fails deployment. */
    @Override
    public List<ConfigKey> configKeys() {
        return RedisEndpoint.DEFINITIONS;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        RedisEndpoint.read(settings, problems);
        return problems.list();
    }

    @Override
    public StatefulRedisConnection<String, String> create(ResourceSettings settings) {
        RedisEndpoint endpoint = RedisEndpoint.read(settings);
        SharedClient client = clients.computeIfAbsent(new ClientKey(settings.name(), endpoint),
                k -> new SharedClient(settings.name(), endpoint, autoReconnect()));
        RedisURI uri = endpoint.uri(settings.secret(RedisEndpoint.PASSWORD));
        StatefulRedisConnection<String, String> connection;
        try {
            connection = client.connect(uri);
        } catch (RedisConnectionException e) {
            if (!RedisErrors.closedDuringHandshake(e)) {
                throw e;
            }
            // Lettuce 7 closes the channel before it fails a refused handshake (WRONGPASS, a database out of
            // range), and the close can win: the caller then sees "Connection closed prematurely" instead of
            // the server's reply, and isRetryable cannot tell a wrong password from a lost network. One more
            // attempt gets the reply (the race is rare; two in a row rarer still).
            connection = client.connect(uri);
        }
        made.put(connection, new Made(settings.name(), client, endpoint));
        return connection;
    }

    /**
     * A connection Lettuce reconnects by itself ({@code redis}) tells the resource's health of each disconnection and
     * each reconnection at once (see {@link ConnectionReport}). A pooled one ({@code redis-dedicated}) does not: it is
     * leased, a lost one is replaced rather than reconnected, and a server closing an idle one is no outage.
     */
    @Override
    public void reportTo(StatefulRedisConnection<String, String> connection, BackendSignal signal) {
        Made m = made.get(connection);
        if (!autoReconnect() || m == null) {
            return;
        }
        ConnectionReport report = new ConnectionReport(m.resource(), m.endpoint(), signal,
                connection.getResources().eventExecutorGroup().next());
        connection.addListener(report);
        if (!connection.isOpen()) {
            signal.unavailable(report.lost()); // lost between its creation and now: no event will say so
        }
    }

    @Override
    public HealthStatus check(StatefulRedisConnection<String, String> connection, CheckDepth depth) {
        if (!connection.isOpen()) {
            return HealthStatus.down("connection closed or not connected");
        }
        try {
            RedisCommands<String, String> redis = connection.sync();
            return depth == CheckDepth.SHALLOW ? ping(redis) : setAndGet(redis);
        } catch (RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    private static HealthStatus ping(RedisCommands<String, String> redis) {
        String reply = redis.ping();
        return "PONG".equals(reply) ? HealthStatus.up() : HealthStatus.down("PING answered '" + reply + "'");
    }

    private static HealthStatus setAndGet(RedisCommands<String, String> redis) {
        String key = PROBE_PREFIX + UUID.randomUUID();
        String value = UUID.randomUUID().toString();
        try {
            redis.set(key, value, SetArgs.Builder.px(PROBE_TTL_MILLIS));
            String read = redis.get(key);
            return value.equals(read) ? HealthStatus.up()
                    : HealthStatus.down("probe key " + key + " read back '" + read + "' instead of the value written");
        } finally {
            redis.del(key);
        }
    }

    @Override
    public void destroy(StatefulRedisConnection<String, String> connection) {
        Made m = made.remove(connection);
        try {
            connection.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "NEBULA-2402 redis: closing a connection of resource '"
                    + (m == null ? "?" : m.resource()) + "' failed", e);
        } finally {
            if (m != null) {
                m.client().release();
            }
        }
    }

    /**
     * Shuts down every client of the resource: the engine may have made its connections with
     * per-endpoint variants of these settings (other URLs under the same name), each with its client.
     */
    @Override
    public void shutdown(ResourceSettings settings) {
        clients.forEach((key, client) -> {
            if (key.resource().equals(settings.name())) {
                client.shutdown();
            }
        });
    }

    @Override
    public boolean isFatal(Throwable error) {
        return RedisErrors.isFatal(error);
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return RedisErrors.isRetryable(error);
    }

    @Override
    public Set<Class<?>> views() {
        return VIEWS;
    }

    /**
     * Lettuce's callers catch {@code RedisException}s: a stand-in whose connection could not be had (the server was
     * down as the bean was made) refuses as a disconnected connection does, with a {@code RedisConnectionException},
     * Nebula's exception (and under it Lettuce's error) as its cause.
     */
    @Override
    public Exception refusalAs(Class<?> view, ResourceException refusal) {
        return new RedisConnectionException(refusal.getMessage(), refusal);
    }

    @Override
    public <V> V view(StatefulRedisConnection<String, String> connection, Class<V> viewType) {
        if (viewType == RedisCommands.class) {
            return viewType.cast(connection.sync());
        }
        if (viewType == RedisAsyncCommands.class) {
            return viewType.cast(connection.async());
        }
        if (viewType == RedisReactiveCommands.class) {
            return viewType.cast(connection.reactive());
        }
        return ResourceProvider.super.view(connection, viewType);
    }

    /** What the connection was made with; {@code null} for one this provider did not make or already destroyed. */
    final Made madeWith(StatefulRedisConnection<String, String> connection) {
        return made.get(connection);
    }

    /** The shared client made for these settings, if one was ever made. */
    final SharedClient clientOf(ResourceSettings settings) {
        return clients.get(new ClientKey(settings.name(), RedisEndpoint.read(settings)));
    }

    /**
     * The endpoint is part of the key so that connections made for the same resource with other
     * keys (an endpoint of a weighted set, an override) never share a client configured otherwise.
     */
    private record ClientKey(String resource, RedisEndpoint endpoint) {
    }
}
