package io.nebula.resource.cluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;

import java.time.Duration;

/**
 * A Lettuce client none of whose calls waits on Redis longer than the cluster's {@code redis-timeout}: connecting,
 * each command, and a command issued while disconnected (refused at once instead of queued until reconnection).
 * Lettuce's own default is 60 s, which an acquisition must never pay.
 */
final class BoundedClient {

    private BoundedClient() {
    }

    static RedisClient create(RedisURI uri, Duration timeout) {
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return client;
    }
}
