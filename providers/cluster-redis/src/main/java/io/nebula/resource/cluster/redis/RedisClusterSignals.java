package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.nebula.resource.core.cluster.ClusterSignals;
import io.nebula.resource.core.cluster.ClusterUnavailableException;
import io.nebula.resource.core.cluster.GateSignal;
import io.nebula.resource.core.cluster.RotationSignal;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The cluster's known-down gate on one Redis, through Lettuce:
 * <ul>
 *   <li>signals are published on one channel per cluster, {@code nebula:cluster:gate:<db>} by default (pub/sub ignores
 *       the database number, so the default channel carries it: two clusters on two databases of one Redis do not
 *       hear each other), as {@code down|up <tab> node <tab> resource <tab> reason}, and credential rotations on the
 *       same channel as {@code rotated <tab> node <tab> resource <tab> generation} (never a credential);</li>
 *   <li>the probe's claim is {@code nebula:cluster:gate:<resource>:probe}, set to the node's id with {@code SET NX PX}:
 *       it expires by itself when its holder dies.</li>
 * </ul>
 * Every command answers within {@code redis-timeout} (connect included) or throws {@link ClusterUnavailableException};
 * the subscription, once made, is renewed by Lettuce after a reconnection (signals sent meanwhile are lost).
 */
public final class RedisClusterSignals implements ClusterSignals {

    static final String PREFIX = "nebula:cluster:gate:";
    static final String ROTATED = "rotated";

    // KEYS[1] the claim; ARGV node, ms left (0: now)
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              if tonumber(ARGV[2]) > 0 then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
              else
                redis.call('DEL', KEYS[1])
              end
            end
            return 0
            """;

    private final RedisClient client;
    private final String nodeId;
    private final String channel;
    private final Duration timeout;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;

    /**
     * @param url     the Redis of {@code nebula.cluster.resource} (its {@code url})
     * @param nodeId  {@code nebula.cluster.node-id}
     * @param timeout {@code nebula.cluster.redis-timeout}: the longest any call waits on Redis
     */
    public RedisClusterSignals(String url, String nodeId, Duration timeout) {
        this(url, nodeId, timeout, null);
    }

    /** @param channel the cluster's channel; {@code null} for {@code nebula:cluster:gate:<db>} */
    public RedisClusterSignals(String url, String nodeId, Duration timeout, String channel) {
        this(RedisURI.create(url), nodeId, timeout, channel);
    }

    /** From the endpoint keys of {@code nebula.cluster.resource} ({@link RedisClusterPermitsFactory#signals}). */
    RedisClusterSignals(RedisURI uri, String nodeId, Duration timeout, String channel) {
        this.client = BoundedClient.create(uri, timeout);
        this.nodeId = nodeId;
        this.channel = channel != null ? channel : PREFIX + uri.getDatabase();
        this.timeout = timeout;
    }

    @Override
    public void publish(GateSignal signal) {
        String message = (signal.down() ? "down" : "up") + "\t" + flat(signal.node()) + "\t" + flat(signal.resource())
                + "\t" + flat(signal.reason());
        call(c -> c.publish(channel, message));
    }

    @Override
    public void publishRotation(RotationSignal signal) {
        String message = ROTATED + "\t" + flat(signal.node()) + "\t" + flat(signal.resource()) + "\t"
                + signal.generation();
        call(c -> c.publish(channel, message));
    }

    @Override
    public void subscribe(Consumer<GateSignal> listener) {
        subscribe(listener, r -> { });
    }

    @Override
    public void subscribe(Consumer<GateSignal> listener, Consumer<RotationSignal> rotations) {
        connecting.lock();
        try {
            if (subscription != null) {
                return;
            }
            StatefulRedisPubSubConnection<String, String> s = null;
            try {
                s = client.connectPubSub();
                s.setTimeout(timeout);
                s.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, String message) {
                        if (message.startsWith(ROTATED + "\t")) {
                            RotationSignal rotation = parseRotation(message);
                            if (rotation != null) {
                                rotations.accept(rotation);
                            }
                            return;
                        }
                        GateSignal signal = parse(message);
                        if (signal != null) {
                            listener.accept(signal);
                        }
                    }
                });
                s.sync().subscribe(channel);
            } catch (RuntimeException e) {
                if (s != null) {
                    s.closeAsync();
                }
                throw unavailable(e);
            }
            subscription = s;
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public boolean subscribed() {
        return subscription != null;
    }

    @Override
    public boolean claimProbe(String resource, Duration ttl) {
        return "OK".equals(call(c -> c.set(claim(resource), nodeId, SetArgs.Builder.nx().px(ttl.toMillis()))));
    }

    @Override
    public void releaseProbe(String resource, Duration after) {
        call(c -> c.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {claim(resource)}, nodeId,
                Long.toString(after.toMillis())));
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    /** The channel the signals travel on. */
    public String channel() {
        return channel;
    }

    static String claim(String resource) {
        return PREFIX + resource + ":probe";
    }

    /** A field on one line without tabs: the message's separator. */
    private static String flat(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    static GateSignal parse(String message) {
        String[] f = message.split("\t", 4);
        if (f.length < 3 || !(f[0].equals("down") || f[0].equals("up"))) {
            return null; // not ours: something else publishes on the channel
        }
        return new GateSignal(f[0].equals("down"), f[2], f[1], f.length == 4 ? f[3] : "");
    }

    static RotationSignal parseRotation(String message) {
        String[] f = message.split("\t", 4);
        if (f.length < 4 || !f[0].equals(ROTATED)) {
            return null;
        }
        try {
            return new RotationSignal(f[2], f[1], Long.parseLong(f[3].trim()));
        } catch (NumberFormatException e) {
            return null; // not ours
        }
    }

    private <V> V call(Function<RedisCommands<String, String>, V> command) {
        try {
            return command.apply(commands());
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private ClusterUnavailableException unavailable(RuntimeException e) {
        // the message names the node and the bound, never the URL (it may carry a password)
        return new ClusterUnavailableException("Redis of the cluster did not answer node '" + nodeId + "' within "
                + timeout.toMillis() + " ms: " + e.getClass().getSimpleName(), e);
    }

    private RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            connecting.lock();
            try {
                c = connection;
                if (c == null) {
                    c = client.connect(); // within the connect timeout
                    c.setTimeout(timeout);
                    connection = c;
                }
            } finally {
                connecting.unlock();
            }
        }
        return c.sync();
    }

    @Override
    public void close() {
        StatefulRedisPubSubConnection<String, String> s = subscription;
        if (s != null) {
            s.close();
        }
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
