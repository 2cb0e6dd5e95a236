package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.core.cluster.ClusterPermits;
import io.nebula.resource.core.cluster.ClusterUnavailableException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's permits on one Redis (standalone or a primary with replicas, not Redis Cluster: a script reads the
 * heartbeat keys of other nodes), through Lettuce. Each call is one script, so one round trip, atomic on the server:
 * <ul>
 *   <li>{@code nebula:cluster:<limit>} is a hash of node id to the permits that node holds;</li>
 *   <li>{@code nebula:cluster:node:<node-id>} is the node's heartbeat, set with a TTL by every call;</li>
 *   <li>{@code nebula:cluster:nodes} is a sorted set of the nodes that beat within the last two TTLs (node id to its
 *       heartbeat's expiry, by Redis' clock), entered and pruned by each heartbeat: the live nodes a dashboard lists;</li>
 *   <li>{@code nebula:cluster:<limit>:<window>} counts a rate limit's acquisitions in one second, for the cluster;</li>
 *   <li>taking permits first drops from the hash every node whose heartbeat expired, so a node killed with
 *       {@code kill -9} gives its permits back within the TTL, then grants what fits under the limit.</li>
 * </ul>
 * Every call answers within {@code redis-timeout} (connect included) or throws {@link ClusterUnavailableException}:
 * commands are rejected while disconnected, never queued.
 */
public final class RedisClusterPermits implements ClusterPermits {

    static final String PREFIX = "nebula:cluster:";
    static final String NODES = PREFIX + "node:";
    /** The nodes that beat lately: a sorted set of node id to when its heartbeat expires (Redis' clock, ms). */
    static final String NODE_SET = PREFIX + "nodes";

    // KEYS[1] limit hash, KEYS[2] own heartbeat; ARGV node, wanted, max, ttl ms, heartbeat prefix
    private static final String TAKE = """
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
            local total = 0
            local fields = redis.call('HGETALL', KEYS[1])
            for i = 1, #fields, 2 do
              local node = fields[i]
              if node ~= ARGV[1] and redis.call('EXISTS', ARGV[5] .. node) == 0 then
                redis.call('HDEL', KEYS[1], node)
              else
                total = total + tonumber(fields[i + 1])
              end
            end
            local n = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - total)
            if n <= 0 then return 0 end
            redis.call('HINCRBY', KEYS[1], ARGV[1], n)
            return n
            """;

    // KEYS[1] the window's counter, KEYS[2] own heartbeat; ARGV wanted, max, ttl ms
    private static final String TAKE_IN_WINDOW = """
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local n = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
            if n <= 0 then return 0 end
            redis.call('INCRBY', KEYS[1], n)
            redis.call('PEXPIRE', KEYS[1], 3000)
            return n
            """;

    // KEYS[1] limit hash, KEYS[2] own heartbeat; ARGV node, count, ttl ms
    private static final String GIVE = """
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -tonumber(ARGV[2])) <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """;

    // KEYS[1] limit hash, KEYS[2] own heartbeat; ARGV node, count, ttl ms
    private static final String HOLD = """
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
            if tonumber(ARGV[2]) > 0 then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            else
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """;

    // KEYS[1] limit hash; ARGV heartbeat prefix. Read only: the live nodes' counts, a lapsed node skipped, not dropped
    private static final String USAGE = """
            local live = {}
            local fields = redis.call('HGETALL', KEYS[1])
            for i = 1, #fields, 2 do
              if redis.call('EXISTS', ARGV[1] .. fields[i]) == 1 then
                live[#live + 1] = fields[i]
                live[#live + 1] = fields[i + 1]
              end
            end
            return live
            """;

    /*
     * KEYS[1] own heartbeat, KEYS[2] the node set; ARGV node, ttl ms. The set lists the nodes a dashboard reads
     * without SCAN (whose cost grows with every key of the database): each heartbeat enters its node with its expiry
     * by Redis' clock and drops the nodes lapsed for more than a TTL, so the set holds the nodes that beat within the
     * last two TTLs, whatever the reads.
     */
    private static final String HEARTBEAT = """
            redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
            return 0
            """;

    // KEYS[1] the node set; ARGV heartbeat prefix. Read only: a node is live while its heartbeat key is
    private static final String LIVE = """
            local live = {}
            for _, node in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              if redis.call('EXISTS', ARGV[1] .. node) == 1 then
                live[#live + 1] = node
              end
            end
            return live
            """;

    private final RedisClient client;
    private final String nodeId;
    private final String heartbeatKey;
    private final String ttlMillis;
    private final Duration timeout;
    private final AtomicLong roundTrips = new AtomicLong();
    private volatile StatefulRedisConnection<String, String> connection;

    /**
     * @param url          the Redis of {@code nebula.cluster.resource} (its {@code url})
     * @param nodeId       {@code nebula.cluster.node-id}
     * @param heartbeatTtl {@code nebula.cluster.heartbeat-ttl}
     * @param timeout      {@code nebula.cluster.redis-timeout}: the longest any call waits on Redis
     */
    public RedisClusterPermits(String url, String nodeId, Duration heartbeatTtl, Duration timeout) {
        this(RedisURI.create(url), nodeId, heartbeatTtl, timeout);
    }

    /** As {@link #RedisClusterPermits(String, String, Duration, Duration)}, on {@code uri} (credentials included). */
    RedisClusterPermits(RedisURI uri, String nodeId, Duration heartbeatTtl, Duration timeout) {
        this.client = BoundedClient.create(uri, timeout);
        this.nodeId = nodeId;
        this.heartbeatKey = NODES + nodeId;
        this.ttlMillis = Long.toString(heartbeatTtl.toMillis());
        this.timeout = timeout;
    }

    /** The default {@code nebula.cluster.node-id}: {@link io.nebula.resource.core.cluster.Cluster#defaultNodeId()}. */
    public static String defaultNodeId() {
        return io.nebula.resource.core.cluster.Cluster.defaultNodeId();
    }

    @Override
    public int take(String limit, int wanted, int max) {
        Long n = call(c -> c.eval(TAKE, ScriptOutputType.INTEGER, new String[] {PREFIX + limit, heartbeatKey},
                nodeId, Integer.toString(wanted), Integer.toString(max), ttlMillis, NODES));
        return n.intValue();
    }

    @Override
    public int takeInWindow(String limit, long window, int wanted, int max) {
        Long n = call(c -> c.eval(TAKE_IN_WINDOW, ScriptOutputType.INTEGER,
                new String[] {PREFIX + limit + ":" + window, heartbeatKey},
                Integer.toString(wanted), Integer.toString(max), ttlMillis));
        return n.intValue();
    }

    @Override
    public void give(String limit, int count) {
        call(c -> c.eval(GIVE, ScriptOutputType.INTEGER, new String[] {PREFIX + limit, heartbeatKey},
                nodeId, Integer.toString(count), ttlMillis));
    }

    @Override
    public void hold(String limit, int held) {
        call(c -> c.eval(HOLD, ScriptOutputType.INTEGER, new String[] {PREFIX + limit, heartbeatKey},
                nodeId, Integer.toString(held), ttlMillis));
    }

    @Override
    public void heartbeat() {
        call(c -> c.eval(HEARTBEAT, ScriptOutputType.INTEGER, new String[] {heartbeatKey, NODE_SET}, nodeId,
                ttlMillis));
    }

    @Override
    public java.util.Map<String, Integer> usage(String limit) {
        java.util.List<Object> flat = call(c -> c.eval(USAGE, ScriptOutputType.MULTI, new String[] {PREFIX + limit}, NODES));
        java.util.Map<String, Integer> byNode = new java.util.TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            byNode.put(String.valueOf(flat.get(i)), Integer.parseInt(String.valueOf(flat.get(i + 1))));
        }
        return byNode;
    }

    @Override
    public int windowCount(String limit, long window) {
        String count = call(c -> c.get(PREFIX + limit + ":" + window));
        return count == null ? 0 : Integer.parseInt(count);
    }

    @Override
    public java.util.SortedSet<String> liveNodes() {
        java.util.List<Object> nodes = call(c -> c.eval(LIVE, ScriptOutputType.MULTI, new String[] {NODE_SET}, NODES));
        java.util.SortedSet<String> live = new java.util.TreeSet<>();
        for (Object n : nodes) {
            live.add(String.valueOf(n));
        }
        return live;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public long roundTrips() {
        return roundTrips.get();
    }

    private <V> V call(java.util.function.Function<RedisCommands<String, String>, V> command) {
        roundTrips.incrementAndGet();
        try {
            return command.apply(commands());
        } catch (RuntimeException e) {
            // the message names the node and the bound, never the URL (it may carry a password)
            throw new ClusterUnavailableException("Redis of the cluster did not answer node '" + nodeId + "' within "
                    + timeout.toMillis() + " ms: " + e.getClass().getSimpleName(), e);
        }
    }

    private RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = client.connect(); // within the connect timeout: a Redis down at start costs one bound
                    c.setTimeout(timeout);
                    connection = c;
                }
            }
        }
        return c.sync();
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
