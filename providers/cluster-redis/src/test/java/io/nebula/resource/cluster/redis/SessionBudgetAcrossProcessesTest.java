package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.cluster.redis.NodeProcesses.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster-wide session budget ({@code cluster.max-instances}, {@code cluster.tenant.max-instances}) across THREE
 * JVM processes ({@link NodeProcesses}, each a Weld SE node running {@link ClusterNodeProcess}) with the same
 * configuration, against the real PostgreSQL and the real Redis (db {@value #DB}, flushed before each test). Each node
 * serves a tenant-scoped {@code postgresql} resource, logged in as a role of this test's own (so only this test's
 * sessions are counted), each tenant's pool of each node with its own {@code ApplicationName}
 * ({@code sessprocs.<node>.<tenant>}, sent in the start-up packet: {@code assumeMinServerVersion}, so a session is
 * named from the moment it is listed). A thread of the test samples {@code pg_stat_activity} of that role as fast as
 * it can from before the nodes start to their end, warm-up included: every tenant's sessions (summed over the nodes)
 * and all of them, and the permits Redis counts beside (for the failure's message). Tenant pools close after 1 s
 * without a lease and are created again all along ({@code tenant.idle-timeout}), each creation opening its start-up
 * connection: the sessions a pool opened before it had its budget were the overshoot this test was written to find
 * (docs/cluster.md, the session budget). The limits must be reached, and refusals seen, or the test fails: a check that
 * passes with one node given larger limits is none.
 */
class SessionBudgetAcrossProcessesTest {

    static final int DB = 13;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String APP = "sessprocs.";
    static final String RESOURCE = "sessions-db";
    static final int TENANTS = 100;
    static final int HOT = 5;
    static final int POOL_MAX = 4;
    static final int TENANT_LIMIT = 2;
    /** The shared PostgreSQL allows 100 sessions and other tests use it meanwhile: this test keeps to 20. */
    static final int RESOURCE_LIMIT = 20;
    /**
     * Long, as the Redis timeout: at a load average above 20 a node missed a timeout of 1 s (NEBULA-4601) and counted
     * alone for a moment, legitimately over the cluster's limits (docs/cluster.md); this test is not about Redis failing.
     */
    static final Duration TTL = Duration.ofSeconds(6);
    static final Duration REDIS_TIMEOUT = Duration.ofSeconds(3);
    static final List<String> IDS = List.of("node-1", "node-2", "node-3");
    /**
     * Set in the db before the nodes start and looked for in every sample: other builds on this machine flush db 13 too
     * (ClusterOnWeldTest, RedisClusterSignalsTest), and a flush loses the cluster's counts, after which the cluster is
     * over its limits until each node's next heartbeat (docs/cluster.md, Redis data lost): a run where that happened
     * says so rather than report it as the budget's overshoot.
     */
    static final String SENTINEL = "sessprocs:sentinel";

    private final String role = "sessprocs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private NodeProcesses nodes;
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;
    private Sampler sampler;

    @BeforeEach
    void createRole(TestInfo test) throws SQLException {
        nodes = new NodeProcesses(Path.of("target", "three-jvm", test.getTestMethod().orElseThrow().getName()));
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
        admin.sync().set(SENTINEL, role);
        postgres("create role " + role + " login");
    }

    @AfterEach
    void close() throws Exception {
        try {
            nodes.close(); // every node killed (SIGKILL) and waited for, whatever the test did
            if (sampler != null) {
                sampler.stop();
            }
        } finally {
            postgres("select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + role + "'");
            postgres("drop role if exists " + role);
            admin.close();
            redis.shutdown();
        }
    }

    private Map<String, String> config() {
        Map<String, String> c = NodeProcesses.clusterConfig(REDIS, REDIS, TTL, REDIS_TIMEOUT);
        String r = "nebula.resource." + RESOURCE + ".";
        c.put(r + "kind", "postgresql");
        c.put(r + "scope", "tenant");
        c.put(r + "url", PG_URL);
        c.put(r + "username", role);
        c.put(r + "properties.assumeMinServerVersion", "10"); // ApplicationName in the start-up packet
        c.put(r + "pool.min-size", "0");
        c.put(r + "pool.max-size", Integer.toString(POOL_MAX));
        c.put(r + "pool.acquire-timeout", "5s"); // a tenant pool starting on a loaded machine
        c.put(r + "pool.idle-timeout", "300ms"); // sessions close and open again: churn
        c.put(r + "tenant.idle-timeout", "1s"); // tenant pools close and are created again all along
        c.put(r + "cluster.max-instances", Integer.toString(RESOURCE_LIMIT));
        c.put(r + "cluster.tenant.max-instances", Integer.toString(TENANT_LIMIT));
        c.put(r + "cluster.batch", "4");
        return c;
    }

    /** Each node's own ApplicationName, plus what else a node is given. */
    private static Map<String, Map<String, String>> overrides(Map<String, Map<String, String>> more) {
        Map<String, Map<String, String>> o = new HashMap<>();
        for (String id : IDS) {
            Map<String, String> n = new HashMap<>(more.getOrDefault(id, Map.of()));
            n.put("nebula.resource." + RESOURCE + ".properties.ApplicationName", APP + id + ".{tenant}");
            o.put(id, n);
        }
        return o;
    }

    @Test
    void underARandomLoadOfAHundredTenantsOnThreeProcessesPgStatActivityNeverExceedsTheBudgetsAndReachesThem()
            throws Exception {
        Load load = load(Map.of());
        assertThat(sampler.flushed.get()).as("db " + DB + " kept its data throughout (another build flushed it: the"
                + " cluster's counts were lost, documented overshoot; run again)").isZero();
        assertThat(load.alone).as("no node counted alone (then over the limits by design): Redis answered throughout")
                .isEmpty();
        assertThat(load.failed).as("no failure other than the budget's refusals: " + load.lines).isEmpty();
        assertThat(sampler.maxPerTenant).as("a tenant's sessions on all nodes together, cluster.tenant.max-instances="
                        + TENANT_LIMIT + "; above it: " + sampler.overs)
                .allSatisfy((t, n) -> assertThat(n).as(t).isLessThanOrEqualTo(TENANT_LIMIT));
        assertThat(sampler.maxTotal.get()).as("all sessions of the resource, cluster.max-instances=" + RESOURCE_LIMIT
                + "; above it: " + sampler.overs).isLessThanOrEqualTo(RESOURCE_LIMIT);
        // a check that can fail: the limits were reached, and held by refusing (NEBULA-4610)
        assertThat(sampler.maxPerTenant.values()).as("some tenant reached its limit").contains(TENANT_LIMIT);
        assertThat(sampler.maxRedis.get()).as("the permits of the resource counted in Redis reached its limit")
                .isEqualTo(RESOURCE_LIMIT);
        // the sessions themselves may stay under it by the spare permits the nodes hold: at most a batch each, and the
        // batch of a limit of 20 is min(cluster.batch, 20 / 8) = 2 (docs/cluster.md, worst-case bounds). Measured 19-20
        // on a quiet machine, 16-17 at a load average of 8 to 18
        int spareAtMost = IDS.size() * Math.min(4, RESOURCE_LIMIT / 8);
        assertThat(sampler.maxTotal.get()).as("the resource's sessions came to its limit, less the nodes' spare permits")
                .isGreaterThanOrEqualTo(RESOURCE_LIMIT - spareAtMost);
        assertThat(load.refused).as("creations refused by each limit (NEBULA-4610)")
                .containsOnlyKeys("cluster.max-instances", "cluster.tenant.max-instances")
                .allSatisfy((limit, n) -> assertThat(n).as(limit).isPositive());
        assertThat(sampler.samples.get()).as("the sampler kept sampling").isGreaterThan(1000);
        assertThat(load.served).as("queries served").isGreaterThan(100);
        assertThat(sampler.maxPerTenant.size()).as("tenants seen with sessions").isGreaterThan(TENANTS / 2);
    }

    @Test
    void theSessionsOfANodeKilledWithSigkillAreOpenedAgainByTheOthersWithinTheTtl() throws Exception {
        sampler = new Sampler(role);
        sampler.start();
        List<Node> cluster = nodes.start(config(), IDS, overrides(Map.of()));
        Node victim = cluster.get(0);
        Node other = cluster.get(1);
        String tenant = "tenant-7";
        assertThat(victim.ask("connect " + RESOURCE + " " + tenant + " " + TENANT_LIMIT, "CONNECT"))
                .isEqualTo("CONNECTED " + TENANT_LIMIT);
        String refused = "CONNECT-REFUSED 0 cluster.tenant.max-instances";
        assertThat(other.ask("connect " + RESOURCE + " " + tenant + " 1", "CONNECT")).isEqualTo(refused);
        assertThat(cluster.get(2).ask("connect " + RESOURCE + " " + tenant + " 1", "CONNECT")).isEqualTo(refused);

        long killed = System.nanoTime();
        victim.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, nothing given back
        assertThat(victim.process.waitFor()).as("exit status of a process killed by signal 9").isEqualTo(128 + 9);
        String answer = other.ask("connect " + RESOURCE + " " + tenant + " 1", "CONNECT");
        while (!answer.startsWith("CONNECTED") && System.nanoTime() - killed < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(50);
            answer = other.ask("connect " + RESOURCE + " " + tenant + " 1", "CONNECT");
        }
        Duration back = Duration.ofNanos(System.nanoTime() - killed);
        String third = cluster.get(2).ask("connect " + RESOURCE + " " + tenant + " 1", "CONNECT");
        sampler.stop();
        System.out.println("session budget across processes: the sessions of node-1, killed with SIGKILL, opened again"
                + " by node-2 " + back.toMillis() + " ms after the kill (heartbeat TTL " + TTL.toMillis() + " ms); "
                + tenant + " at most " + sampler.maxPerTenant.get(tenant) + " sessions at once; above: " + sampler.overs);
        assertThat(sampler.flushed.get()).as("db " + DB + " kept its data throughout (another build flushed it; run again)")
                .isZero();
        assertThat(answer).isEqualTo("CONNECTED 1");
        assertThat(third).as("node-3 took the tenant's other permit").isEqualTo("CONNECTED 1");
        // within the TTL (the victim's last beat was at most a third of it before the kill), plus a margin for a
        // loaded machine; not much sooner than the beat's period, or something other than the expiry freed them
        assertThat(back).isLessThan(TTL.plusMillis(1500)).isGreaterThan(TTL.dividedBy(2));
        assertThat(sampler.unexpected.get()).as("the sampler").isNull();
        assertThat(sampler.maxPerTenant.get(tenant)).as("the tenant's sessions, before and after the kill")
                .isEqualTo(TENANT_LIMIT);
    }

    /** What the load of the three nodes did, from their STATS. */
    record Load(long served, Map<String, Long> refused, Map<String, String> failed, List<String> lines,
                List<String> alone) {
    }

    /**
     * Starts the nodes (each given {@code more} besides its ApplicationName) and the sampler, runs 4 threads of
     * {@code sessions} on each for {@value #TENANTS} tenants ({@value #HOT} hot ones) for 15 s, stops them and the
     * sampler.
     */
    private Load load(Map<String, Map<String, String>> more) throws Exception {
        sampler = new Sampler(role);
        sampler.start();
        List<Node> started = nodes.start(config(), IDS, overrides(more));
        for (Node n : started) {
            n.ask("sessions " + RESOURCE + " " + TENANTS + " 4 " + HOT, "LOADING");
        }
        Thread.sleep(15_000); // the load's duration, not a synchronisation
        long served = 0;
        Map<String, Long> refused = new HashMap<>();
        Map<String, String> failed = new HashMap<>();
        List<String> lines = new java.util.ArrayList<>();
        for (Node n : started) {
            String line = n.ask("stop", "STATS");
            lines.add(n.id + " " + line);
            ClusterAcrossProcessesTest.Stats s = ClusterAcrossProcessesTest.Stats.of(line);
            served += s.get("acquired");
            if (!s.values().get("failed").equals("-")) {
                failed.put(n.id, s.values().get("failed"));
            }
            String r = s.values().get("refused");
            if (!r.equals("-")) {
                for (String kv : r.split(",")) {
                    String[] p = kv.split(":");
                    refused.merge(p[0], Long.parseLong(p[1]), Long::sum);
                }
            }
        }
        sampler.stop();
        System.out.printf("session budget across processes: %s; samples=%d tenantsSeen=%d maxPerTenant=%d maxTotal=%d"
                        + " (permits in Redis at most %d, db flushed by another: %s) served=%d refused=%s above: %s%n", lines,
                sampler.samples.get(),
                sampler.maxPerTenant.size(), sampler.maxPerTenant.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                sampler.maxTotal.get(), sampler.maxRedis.get(), sampler.flushed.get() != 0, served, refused, sampler.overs);
        assertThat(sampler.unexpected.get()).as("the sampler").isNull();
        List<String> alone = started.stream().flatMap(n -> n.said("LOG").stream()
                .filter(l -> l.contains("NEBULA-4601")).map(l -> n.id + " " + l)).toList();
        return new Load(served, refused, failed, lines, alone);
    }

    /**
     * Counts the role's sessions in {@code pg_stat_activity} as fast as one connection can ask, per tenant (summed over
     * the nodes) and all together; keeps the first samples above a limit, for the failure's message.
     */
    static final class Sampler {
        final String role;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final Map<String, Integer> maxPerTenant = new ConcurrentHashMap<>();
        final AtomicInteger maxTotal = new AtomicInteger();
        final AtomicInteger maxRedis = new AtomicInteger();
        /** The first instant (nanoTime) the sentinel was found gone: the db was flushed by someone else; 0 if never. */
        final java.util.concurrent.atomic.AtomicLong flushed = new java.util.concurrent.atomic.AtomicLong();
        final AtomicInteger samples = new AtomicInteger();
        final List<String> overs = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** Sessions by node, from their application names. */
        static Map<String, Integer> byNode(Map<String, Integer> byApp) {
            Map<String, Integer> n = new java.util.TreeMap<>();
            byApp.forEach((a, c) -> n.merge(a != null && a.split("\\.").length == 3 ? a.split("\\.")[1] : "?", c, Integer::sum));
            return n;
        }

        private final Thread thread;

        Sampler(String role) {
            this.role = role;
            this.thread = new Thread(this::run, "pg-sampler");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        private void run() {
            // the permits Redis counts, sampled alongside: which node had a session over its permits, when one did
            RedisClient rc = RedisClient.create(REDIS);
            var rconn = rc.connect();
            try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null);
                 Statement s = c.createStatement()) {
                String sql = "select application_name from pg_stat_activity where usename = '" + role + "'";
                while (running.get()) {
                    Map<String, Integer> byApp = new HashMap<>();
                    try (ResultSet r = s.executeQuery(sql)) {
                        while (r.next()) {
                            byApp.merge(r.getString(1), 1, Integer::sum);
                        }
                    }
                    long at = System.nanoTime();
                    Map<String, String> inRedis = rconn.sync().hgetall("nebula:cluster:" + RESOURCE + ":instances");
                    if (rconn.sync().exists(SENTINEL) == 0) {
                        flushed.compareAndSet(0, at);
                    }
                    int redisSum = inRedis.values().stream().mapToInt(Integer::parseInt).sum();
                    maxRedis.accumulateAndGet(redisSum, Math::max);
                    Map<String, Integer> byTenant = new HashMap<>();
                    int total = 0;
                    for (Map.Entry<String, Integer> e : byApp.entrySet()) {
                        total += e.getValue();
                        String app = e.getKey() == null ? "" : e.getKey();
                        // sessprocs.<node>.<tenant>; any other name (none expected) counts in the total only
                        String[] parts = app.split("\\.");
                        if (parts.length == 3) {
                            byTenant.merge(parts[2], e.getValue(), Integer::sum);
                        }
                    }
                    byTenant.forEach((t, n) -> maxPerTenant.merge(t, n, Math::max));
                    maxTotal.accumulateAndGet(total, Math::max);
                    samples.incrementAndGet();
                    boolean over = total > RESOURCE_LIMIT || byTenant.values().stream().anyMatch(n -> n > TENANT_LIMIT);
                    if (over && overs.size() < 10) {
                        overs.add("at " + at + " sessions " + total + " by node " + byNode(byApp) + ", permits in Redis "
                                + inRedis + ": " + new java.util.TreeMap<>(byApp));
                    }
                }
            } catch (Throwable e) {
                unexpected.compareAndSet(null, e);
            } finally {
                rconn.close();
                rc.shutdown();
            }
        }
    }

    private static void postgres(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
