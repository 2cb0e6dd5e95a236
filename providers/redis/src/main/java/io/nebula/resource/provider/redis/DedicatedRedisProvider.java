package io.nebula.resource.provider.redis;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.nebula.resource.spi.Topology;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Kind {@code redis-dedicated}: Lettuce connections that the engine pools, one holder at a time, for
 * what must not run on a shared connection: transactions (MULTI/EXEC with WATCH) and blocking
 * commands (BLPOP, BRPOPLPUSH, XREAD BLOCK). The connections of a resource share one client and
 * its event loops.
 *
 * <p>A lost connection is not reconnected by Lettuce: the engine discards it and makes another.
 */
public final class DedicatedRedisProvider extends LettuceProvider {

    private static final System.Logger LOG = System.getLogger(DedicatedRedisProvider.class.getPackageName());

    @Override
    public String kind() {
        return "redis-dedicated";
    }

    @Override
    public Topology topology() {
        return Topology.POOLED;
    }

    @Override
    boolean autoReconnect() {
        return false;
    }

    /**
     * Leaves the connection as a new one would be: no transaction open, no key watched, the
     * configured database selected, commands flushed as they are written, the configured timeout.
     * The resets are pipelined, so they cost one round trip. A connection still busy with a
     * blocking command its last holder gave up on does not answer in time and is discarded.
     */
    @Override
    public boolean recycle(StatefulRedisConnection<String, String> connection) {
        Made m = madeWith(connection);
        if (m == null || !connection.isOpen()) {
            return false;
        }
        try {
            connection.setAutoFlushCommands(true);
            connection.flushCommands();
            connection.setTimeout(m.endpoint().timeout());
            RedisAsyncCommands<String, String> redis = connection.async();
            List<RedisFuture<String>> resets = new ArrayList<>(3);
            if (connection.isMulti()) {
                resets.add(redis.discard()); // also forgets the watched keys
            }
            resets.add(redis.unwatch());
            resets.add(redis.select(m.endpoint().database()));
            return LettuceFutures.awaitAll(m.endpoint().timeout(), resets.toArray(new RedisFuture<?>[0]));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "NEBULA-2403 redis: a connection of resource '" + m.resource()
                    + "' could not be reset and is discarded", e);
            return false;
        }
    }
}
