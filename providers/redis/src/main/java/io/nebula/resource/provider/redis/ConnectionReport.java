package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.nebula.resource.spi.BackendSignal;

import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Tells the resource's health what the shared connection of a {@code redis} resource observes by itself. The
 * application calls that connection directly (an injected {@code RedisCommands}): no acquisition sees its commands
 * fail while the server is away, nor succeed once Lettuce reconnected it. Lettuce's own events say both at once:
 * a disconnection (the server closed the connection, or it was lost) and a connection made again, when commands are
 * served again.
 *
 * <p>Lettuce calls this on the connection's netty event loop, where nothing may block: the signal tells the engine's
 * listeners, the application's observers of health events among them, and one that sent a command on this connection
 * would wait for the very loop it holds. The news is handed to one thread of the client's event executors, picked
 * once, so it arrives there in the order Lettuce saw it.
 */
final class ConnectionReport implements RedisConnectionStateListener {

    private final String resource;
    private final RedisEndpoint endpoint;
    private final BackendSignal signal;
    private final Executor inOrder;

    ConnectionReport(String resource, RedisEndpoint endpoint, BackendSignal signal, Executor inOrder) {
        this.resource = resource;
        this.endpoint = endpoint;
        this.signal = signal;
        this.inOrder = inOrder;
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        tell(signal::available);
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        RedisConnectionException lost = lost();
        tell(() -> signal.unavailable(lost));
    }

    private void tell(Runnable news) {
        try {
            inOrder.execute(news);
        } catch (RejectedExecutionException e) {
            // the client is shutting down: its connections are being closed, which is no news of the server
        }
    }

    /** Named by host and port only: the endpoint's URI may hold a password. */
    RedisConnectionException lost() {
        return new RedisConnectionException("redis: the connection of resource '" + resource + "' to "
                + endpoint.host() + ":" + endpoint.port() + " was lost; Lettuce is reconnecting it");
    }
}
