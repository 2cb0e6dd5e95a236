package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.cluster.redis.ClusterAcrossProcessesTest.Stats;
import io.nebula.resource.cluster.redis.NodeProcesses.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13's "stop Redis under load" on three JVM processes ({@link ClusterNodeProcess}, as
 * {@link ClusterAcrossProcessesTest}), the scenario of each way Redis can stop ({@link Outage}): the cluster counts in
 * a private {@code redis-server} ({@link PrivateRedis}) this test starts, stops under load and lets answer again. What
 * the nodes observe is counted in the shared Redis, db {@value #DB} (flushed before each test).
 *
 * <p>The bound: no acquisition waits longer than {@code nebula.cluster.redis-timeout} ({@link #REDIS_TIMEOUT}, as the
 * other tests under load) plus {@link #SCHEDULING_MARGIN}, what a loaded 2-core machine adds to a thread's wake-up and
 * the rest of an acquisition.
 */
abstract class RedisOutageAcrossProcesses {

    static final int DB = 15;
    static final String OBSERVE = "redis://127.0.0.1:6379/" + DB;
    static final int TENANTS = ClusterAcrossProcessesTest.TENANTS;
    static final int QUOTA = ClusterAcrossProcessesTest.QUOTA;
    static final Duration TTL = ClusterAcrossProcessesTest.TTL;
    static final Duration REDIS_TIMEOUT = ClusterAcrossProcessesTest.LOADED;
    static final Duration SCHEDULING_MARGIN = Duration.ofMillis(500);
    /** The tenants' local quota on each node ({@code tenant.quota.max-concurrent-leases}), below the cluster's. */
    static final int LOCAL_QUOTA = 2;
    /** Two leases node-1 holds through the outage: after it, Redis counts exactly these. */
    static final String KEEPER = "keeper";
    static final int KEPT = 2;
    static final List<String> IDS = ClusterAcrossProcessesTest.IDS;

    NodeProcesses nodes;
    Path dir;
    final List<AutoCloseable> open = new ArrayList<>();
    private RedisClient redis;
    StatefulRedisConnection<String, String> admin;

    /** An action on the private Redis. */
    interface Action {
        void on(PrivateRedis redis) throws Exception;
    }

    /**
     * One way Redis stops answering: {@code begin} under load, held until every node said DEGRADED and {@code held}
     * more, then {@code end}; the words name both in the figures.
     */
    record Outage(String name, String begun, String ended, Action begin, Action end, Duration held) {
    }

    @BeforeEach
    void flush(TestInfo test) {
        dir = Path.of("target", "three-jvm", test.getTestMethod().orElseThrow().getName());
        nodes = new NodeProcesses(dir);
        redis = RedisClient.create(OBSERVE);
        admin = redis.connect();
        admin.sync().flushdb();
    }

    @AfterEach
    void close() throws Exception {
        nodes.close();
        for (AutoCloseable c : open) {
            c.close(); // a private Redis: continued if stopped, then killed, whatever the test did
        }
        admin.close();
        redis.shutdown();
    }

    /**
     * The cluster's private Redis, on the port of the system property {@code nebula.test.private-redis-port} (a free
     * one without it), its directory the test's.
     */
    PrivateRedis privateRedis() throws IOException {
        int port = Integer.getInteger("nebula.test.private-redis-port", 0);
        PrivateRedis r = new PrivateRedis(port == 0 ? freePort() : port, dir);
        open.add(r);
        return r;
    }

    /**
     * The scenario: three nodes under load (6 threads each), node-1 holding {@link #KEPT} leases of {@link #KEEPER}
     * throughout; a phase counted by the cluster; the outage, until every node said DEGRADED and {@code held} more
     * (the "down" phase); the end of the outage, until every node said UP (the "returning" phase); a phase counted by
     * the cluster again. Asserts the bound, no failure, the local quota while down, the cluster's quota after, every
     * node DEGRADED to the end of the outage and UP after, and that nothing leaks.
     */
    void runUnderLoad(Outage outage) throws Exception {
        PrivateRedis coordination = privateRedis();
        Map<String, String> config = ClusterAcrossProcessesTest.config(coordination.url(), REDIS_TIMEOUT);
        config.put("threejvm.observe", OBSERVE);
        config.put("nebula.resource.ledger.tenant.quota.max-concurrent-leases", Integer.toString(LOCAL_QUOTA));
        List<Node> cluster = nodes.start(config, IDS, Map.of());
        Node keeper = cluster.get(0);
        warmUp(cluster);
        assertThat(keeper.ask("hold ledger " + KEEPER + " " + KEPT, "HELD")).isEqualTo("HELD " + KEPT);
        cluster.forEach(n -> n.ask("load ledger " + TENANTS + " 6 30 " + QUOTA, "LOADING"));
        List<Stats> before = phaseCountedByTheCluster(cluster);

        long begun = System.nanoTime();
        outage.begin().on(coordination);
        for (Node n : cluster) {
            await().atMost(Duration.ofSeconds(10)).until(() -> n.ask("health", "HEALTH").equals("HEALTH DEGRADED"));
        }
        Thread.sleep(outage.held().toMillis());
        List<String> lastHealth = cluster.stream().map(n -> n.ask("health", "HEALTH")).toList();
        List<Stats> down = stats(cluster, "mark");
        long stoppedFor = (System.nanoTime() - begun) / 1_000_000;

        long ended = System.nanoTime();
        outage.end().on(coordination);
        for (Node n : cluster) {
            await().atMost(Duration.ofSeconds(10)).until(() -> n.ask("health", "HEALTH").equals("HEALTH UP"));
        }
        List<Stats> back = stats(cluster, "mark");
        Thread.sleep(1000); // the leases admitted alone (held 30 ms at most) are given back meanwhile
        List<Stats> after = phaseCountedByTheCluster(cluster);
        cluster.forEach(n -> n.ask("stop", "STOPPED"));

        long bound = REDIS_TIMEOUT.plus(SCHEDULING_MARGIN).toMillis();
        StringBuilder figures = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            Node n = cluster.get(i);
            Stats d = down.get(i);
            figures.append(String.format("%s: NEBULA-4601 %d ms after %s, NEBULA-4602 %d ms after %s;"
                            + " longest acquisition before %d ms, down %d ms, returning %d ms, after %d ms;"
                            + " down: %d acquired, %d here at most, %d refused by the local quota, failed %s%n",
                    IDS.get(i), (firstAt(n, "LOG", "NEBULA-4601", begun) - begun) / 1_000_000, outage.begun(),
                    (firstAt(n, "LOG", "NEBULA-4602", ended) - ended) / 1_000_000, outage.ended(),
                    before.get(i).get("maxLatencyMs"), d.get("maxLatencyMs"), back.get(i).get("maxLatencyMs"),
                    after.get(i).get("maxLatencyMs"), d.get("acquired"), d.get("maxHeldHere"),
                    d.refused("tenant.quota.max-concurrent-leases"), d.values().get("failed")));
        }
        System.out.print("Redis " + outage.name() + " under load on three JVMs for " + stoppedFor + " ms (redis-timeout "
                + REDIS_TIMEOUT.toMillis() + " ms, bound " + bound + " ms)\n" + figures);
        for (int i = 0; i < 3; i++) {
            String id = IDS.get(i);
            Stats b = before.get(i);
            Stats d = down.get(i);
            Stats r = back.get(i);
            Stats a = after.get(i);
            assertThat(firstAt(cluster.get(i), "LOG", "NEBULA-4601", begun)).as(id + " NEBULA-4601").isNotEqualTo(Long.MAX_VALUE);
            assertThat(firstAt(cluster.get(i), "LOG", "NEBULA-4602", ended)).as(id + " NEBULA-4602").isNotEqualTo(Long.MAX_VALUE);
            assertThat(lastHealth.get(i)).as(id + " still DEGRADED right before " + outage.ended()).isEqualTo("HEALTH DEGRADED");
            assertThat(b.get("maxHeldAcross")).as(id + " before: the cluster's quota").isLessThanOrEqualTo(QUOTA);
            assertThat(d.get("acquired")).as(id + " served while Redis was " + outage.name()).isPositive();
            assertThat(d.get("maxHeldHere")).as(id + " down: the local quota").isLessThanOrEqualTo(LOCAL_QUOTA);
            assertThat(d.refused("tenant.quota.max-concurrent-leases")).as(id + " down: refused by the local quota").isPositive();
            assertThat(d.values().get("failed")).as(id + " failures from " + outage.begun() + " until the end of the outage").isEqualTo("-");
            assertThat(r.values().get("failed")).as(id + " failures from " + outage.ended() + " until all UP").isEqualTo("-");
            assertThat(a.values().get("failed")).as(id + " failures after").isEqualTo("-");
            assertThat(a.get("maxHeldAcross")).as(id + " after: the cluster's quota again").isLessThanOrEqualTo(QUOTA);
            assertThat(a.refused("cluster.tenant.max-concurrent-leases")).as(id + " after: refused by the cluster").isPositive();
            for (Stats s : List.of(d, r)) {
                assertThat(s.get("maxLatencyMs")).as(id + " the longest acquisition while Redis was " + outage.name()
                        + " or returning, ms").isLessThanOrEqualTo(bound);
            }
        }

        // nothing leaks: every lease of the load returned; Redis counts exactly node-1's two kept leases once a
        // heartbeat has run, and nothing once node-1 has closed them and left
        assertThat(admin.sync().hgetall("threejvm:held").values()).allMatch("0"::equals);
        await().atMost(TTL.multipliedBy(2)).until(() -> coordination.heldPermits() == KEPT);
        assertThat(coordination.heldPermits("ledger:tenant:" + KEEPER + ":leases")).isEqualTo(KEPT);
        keeper.send("exit");
        assertThat(keeper.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(coordination.heldPermits()).as("after node-1 left").isZero();
    }

    /** One lease on each node (its first calls to Redis out of the way), then its check UP. */
    static void warmUp(List<Node> cluster) {
        for (Node n : cluster) {
            assertThat(n.ask("try ledger warm-" + n.id, "TRY")).isEqualTo("TRY ok");
            await().atMost(Duration.ofSeconds(10)).until(() -> n.ask("health", "HEALTH").equals("HEALTH UP"));
        }
    }

    static List<Stats> stats(List<Node> nodes, String command) {
        nodes.forEach(n -> n.send(command));
        return nodes.stream().map(n -> Stats.of(n.expect("STATS", Duration.ofSeconds(30)))).toList();
    }

    static long firstAt(Node node, String prefix, String part, long since) {
        return node.said(prefix).stream().filter(l -> l.contains(part)).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .filter(t -> t >= since).min().orElse(Long.MAX_VALUE);
    }

    /**
     * Load phases of 3 s until one in which no node counted alone (a loaded machine may miss even 1 s now and then, and
     * a node counting alone is legitimately over the cluster's limits for that moment). At most five phases.
     */
    static List<Stats> phaseCountedByTheCluster(List<Node> cluster) throws InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            stats(cluster, "mark");
            long start = System.nanoTime();
            Thread.sleep(3000);
            List<Stats> stats = stats(cluster, "mark");
            long since = start - Duration.ofSeconds(1).toNanos();
            if (cluster.stream().allMatch(n -> firstAt(n, "LOG", "NEBULA-460", since) == Long.MAX_VALUE)) {
                return stats;
            }
            System.out.println("a node counted alone (NEBULA-4601) during a phase: another phase");
        }
        throw new AssertionError("in each of 5 phases of 3 s some node missed the Redis timeout and counted alone");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
