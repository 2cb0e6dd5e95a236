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
 * it can from the nodes' start to their end, warm-up included: every tenant's sessions (summed over the nodes) and all
 * of them.
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
    static final Duration TTL = Duration.ofSeconds(2);
    static final List<String> IDS = List.of("node-1", "node-2", "node-3");

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
        Map<String, String> c = new HashMap<>();
        c.put("threejvm.observe", REDIS);
        c.put("sessprocs.experiment", System.getProperty("sessprocs.experiment", "false")); // EXPERIMENT
        c.put("nebula.audit.enabled", "false");
        c.put("nebula.history.enabled", "false");
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", REDIS);
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.heartbeat-ttl", TTL.toMillis() + "ms");
        c.put("nebula.cluster.redis-timeout", "1s"); // a loaded machine: this test is not about Redis failing
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
        assertThat(load.failed).as("no failure other than the budget's refusals: " + load.lines).isEmpty();
        assertThat(load.served).as("queries served").isGreaterThan(100);
        assertThat(sampler.samples.get()).as("the sampler kept sampling").isGreaterThan(2000);
        assertThat(sampler.maxPerTenant.size()).as("tenants seen with sessions").isGreaterThan(TENANTS / 2);
        assertThat(sampler.maxPerTenant).as("a tenant's sessions on all nodes together, cluster.tenant.max-instances="
                        + TENANT_LIMIT + "; above it: " + sampler.overs)
                .allSatisfy((t, n) -> assertThat(n).as(t).isLessThanOrEqualTo(TENANT_LIMIT));
        assertThat(sampler.maxTotal.get()).as("all sessions of the resource, cluster.max-instances=" + RESOURCE_LIMIT
                + "; above it: " + sampler.overs).isLessThanOrEqualTo(RESOURCE_LIMIT);
        // a check that can fail: the limits were reached, and held by refusing (NEBULA-4610)
        assertThat(sampler.maxPerTenant.values()).as("some tenant reached its limit").contains(TENANT_LIMIT);
        assertThat(sampler.maxTotal.get()).as("the resource reached its limit").isEqualTo(RESOURCE_LIMIT);
        assertThat(load.refused).as("creations refused by each limit (NEBULA-4610)")
                .containsOnlyKeys("cluster.max-instances", "cluster.tenant.max-instances")
                .allSatisfy((limit, n) -> assertThat(n).as(limit).isPositive());
    }

    /** What the load of the three nodes did, from their STATS. */
    record Load(long served, Map<String, Long> refused, Map<String, String> failed, List<String> lines) {
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
                        + " served=%d refused=%s above: %s%n", lines, sampler.samples.get(), sampler.maxPerTenant.size(),
                sampler.maxPerTenant.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                sampler.maxTotal.get(), served, refused, sampler.overs);
        System.out.println("DIAG maxRedis=" + sampler.maxRedis + " " + sampler.diagnose());
        assertThat(sampler.unexpected.get()).as("the sampler").isNull();
        return new Load(served, refused, failed, lines);
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
        final AtomicInteger samples = new AtomicInteger();
        final List<String> overs = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Map<Integer, Long> firstSeen = new ConcurrentHashMap<>();
        final Map<Integer, Long> lastSeen = new ConcurrentHashMap<>();
        final List<Object[]> overPids = new java.util.concurrent.CopyOnWriteArrayList<>();

        static Map<String, Integer> byNode(Map<String, Integer> byApp) {
            Map<String, Integer> n = new java.util.TreeMap<>();
            byApp.forEach((a, c) -> n.merge(a == null ? "?" : a.split("\\.").length == 3 ? a.split("\\.")[1] : a, c, Integer::sum));
            return n;
        }

        @SuppressWarnings("unchecked")
        String diagnose() {
            StringBuilder b = new StringBuilder();
            for (Object[] o : overPids) {
                long at = (Long) o[0];
                java.util.Set<Integer> pids = (java.util.Set<Integer>) o[1];
                long leaving = pids.stream().filter(p -> lastSeen.get(p) - at < 20_000_000L).count();
                long coming = pids.stream().filter(p -> at - firstSeen.get(p) < 20_000_000L).count();
                long minLeft = pids.stream().mapToLong(p -> lastSeen.get(p) - at).min().orElse(-1);
                b.append(String.format("[over at %d: %d pids, %d last seen within 20 ms after, %d first seen within 20 ms before, soonest gone after %.1f ms] ",
                        at, pids.size(), leaving, coming, minLeft / 1e6));
            }
            return b.toString();
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
            RedisClient rc = RedisClient.create(REDIS); // DIAG
            var rconn = rc.connect();
            try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null);
                 Statement s = c.createStatement()) {
                String sql = "select application_name, pid from pg_stat_activity where usename = '" + role + "'";
                while (running.get()) {
                    Map<String, Integer> byApp = new HashMap<>();
                    java.util.Set<Integer> pids = new java.util.HashSet<>();
                    try (ResultSet r = s.executeQuery(sql)) {
                        while (r.next()) {
                            byApp.merge(r.getString(1), 1, Integer::sum);
                            pids.add(r.getInt(2));
                        }
                    }
                    long at = System.nanoTime();
                    Map<String, String> inRedis = rconn.sync().hgetall("nebula:cluster:" + RESOURCE + ":instances");
                    int redisSum = inRedis.values().stream().mapToInt(Integer::parseInt).sum();
                    maxRedis.accumulateAndGet(redisSum, Math::max);
                    for (Integer pid : pids) { // DIAG
                        firstSeen.putIfAbsent(pid, at);
                        lastSeen.put(pid, at);
                    }
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
                    if (over) {
                        overPids.add(new Object[]{at, pids});
                    }
                    if (over && overs.size() < 10) {
                        overs.add("at " + System.nanoTime() + " total " + total + " redis " + inRedis + " pg " + byNode(byApp) + " " + new java.util.TreeMap<>(byApp));
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
