package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nebula.resource.spi.BackendSignal;

import java.io.IOException;

/**
 * Tells the resource's health what the shared connection of a {@code nats} resource observes by itself. The
 * application calls that connection directly (an injected {@code Connection}): no acquisition sees its publishes and
 * flushes fail while the server is away, nor succeed once jnats reconnected. jnats' connection events say both at
 * once: {@code DISCONNECTED} (lost; jnats reconnects), {@code CLOSED} (for good, once its reconnect attempts ran out),
 * and {@code RECONNECTED}. jnats delivers them on its own callback thread, one that may wait, so the news is told
 * there, in the order jnats saw it (see {@code BackendSignal}).
 */
final class ConnectionReport implements ConnectionListener {

    private final String resource;
    private final BackendSignal signal;

    ConnectionReport(String resource, BackendSignal signal) {
        this.resource = resource;
        this.signal = signal;
    }

    @Override
    public void connectionEvent(Connection connection, Events event) {
        switch (event) {
            case DISCONNECTED -> signal.unavailable(lost("was lost; jnats is reconnecting it"));
            case CLOSED -> signal.unavailable(lost("is closed"));
            case CONNECTED, RECONNECTED -> signal.available();
            default -> {
                // RESUBSCRIBED follows RECONNECTED; servers discovered and a server in lame duck mode still serve
            }
        }
    }

    /** Named by the resource only: the connection's URL may hold a user and password. */
    IOException lost(String what) {
        return new IOException("nats: the connection of resource '" + resource + "' " + what);
    }
}
