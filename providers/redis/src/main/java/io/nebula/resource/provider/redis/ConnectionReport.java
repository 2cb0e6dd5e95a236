package io.nebula.resource.provider.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.nebula.resource.spi.BackendSignal;

import java.net.SocketAddress;

/**
 * Tells the resource's health what the shared connection of a {@code redis} resource observes by itself. The
 * application calls that connection directly (an injected {@code RedisCommands}): no acquisition sees its commands
 * fail while the server is away, nor succeed once Lettuce reconnected it. Lettuce's own events say both at once:
 * a disconnection (the server closed the connection, or it was lost) and a connection made again, after its
 * handshake, when commands are served again. Called on Lettuce's I/O threads; the signal hands the news off.
 */
final class ConnectionReport implements RedisConnectionStateListener {

    private final String resource;
    private final RedisEndpoint endpoint;
    private final BackendSignal signal;

    ConnectionReport(String resource, RedisEndpoint endpoint, BackendSignal signal) {
        this.resource = resource;
        this.endpoint = endpoint;
        this.signal = signal;
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        signal.available();
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        signal.unavailable(lost());
    }

    /** Named by host and port only: the endpoint's URI may hold a password. */
    RedisConnectionException lost() {
        return new RedisConnectionException("redis: the connection of resource '" + resource + "' to "
                + endpoint.host() + ":" + endpoint.port() + " was lost; Lettuce is reconnecting it");
    }
}
