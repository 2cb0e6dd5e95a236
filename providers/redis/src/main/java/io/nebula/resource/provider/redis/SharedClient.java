package io.nebula.resource.provider.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.nebula.resource.spi.SharedBackend;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link RedisClient} (and with it the netty event loops) that the connections of one resource
 * share. Event loops are heavy, so they are made on the first connect, not per connection.
 *
 * <p>The engine asks for a shutdown once per pool, but several pools may be built from one
 * resource's settings (one per tenant): the client is therefore closed only once no connection made
 * through it is open. A connect after a shutdown makes a new client.
 */
final class SharedClient {

    private static final System.Logger LOG = System.getLogger(SharedClient.class.getPackageName());
    /**
     * Lettuce's reconnect delay, capped at a second: its default doubles up to 30 s, so after a 15 s outage the
     * next attempt came up to 16 s after the server was back (issue 17: a return is noticed within a second).
     */
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private final String resource;
    private final ClientOptions options;
    private final SharedBackend<RedisClient> client = new SharedBackend<>(c -> true, this::close);

    SharedClient(String resource, RedisEndpoint endpoint, boolean autoReconnect) {
        this.resource = resource;
        this.options = ClientOptions.builder()
                .autoReconnect(autoReconnect)
                // fail at once while disconnected instead of buffering commands until they time out
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(endpoint.connectTimeout()).build())
                .build();
    }

    /** Opens a connection; pair it with one {@link #release()} once it is closed. */
    StatefulRedisConnection<String, String> connect(RedisURI uri) {
        RedisClient c = retain();
        try {
            return c.connect(StringCodec.UTF8, uri);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** A connection made by {@link #connect} is closed. */
    void release() {
        client.release();
    }

    /** Closes the client now if no connection is open, else as soon as the last one is released. */
    void shutdown() {
        client.shutdown();
    }

    /** Whether a client (and its event loops) is alive. */
    boolean isRunning() {
        return client.current() != null;
    }

    private RedisClient retain() {
        try {
            return client.retain(() -> {
                ClientResources resources = DefaultClientResources.builder()
                        .reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                        .build();
                RedisClient c = RedisClient.create(resources);
                c.setOptions(options);
                return c;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // creating a client throws nothing checked
        }
    }

    private void close(RedisClient c) {
        try {
            // no quiet period: every connection is closed already, nothing can still be submitted
            c.shutdown(Duration.ZERO.toMillis(), TimeUnit.SECONDS.toMillis(2), TimeUnit.MILLISECONDS);
            // resources given to a client are the caller's to shut down: here they are the client's alone
            c.getResources().shutdown(0, TimeUnit.SECONDS.toMillis(2), TimeUnit.MILLISECONDS).get(2, TimeUnit.SECONDS);
            LOG.log(Level.DEBUG, "NEBULA-2400 redis: shared client of resource ''{0}'' shut down", resource);
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "NEBULA-2401 redis: shutting down the shared client of resource '" + resource + "' failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
