package io.nebula.resource.provider.redis;

import io.nebula.resource.spi.Topology;

/**
 * Kind {@code redis}: one thread-safe Lettuce connection that every user of the resource shares.
 * Lettuce multiplexes the commands of many threads over it and reconnects it when the server comes
 * back. Inject it as {@code StatefulRedisConnection<String, String>} or as one of its views
 * {@code RedisCommands}, {@code RedisAsyncCommands}, {@code RedisReactiveCommands}.
 *
 * <p>Blocking commands (BLPOP) and transactions (MULTI/EXEC, WATCH) would stall or mix up the
 * commands of the other users: use a {@link DedicatedRedisProvider redis-dedicated} resource for those.
 */
public final class RedisProvider extends LettuceProvider {

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    @Override
    boolean autoReconnect() {
        return true;
    }
}
