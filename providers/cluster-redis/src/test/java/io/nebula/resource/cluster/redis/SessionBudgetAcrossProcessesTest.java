package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
 * JVM processes ({@link NodeProcesses}, each a Weld SE node running {@link ClusterNodeProcess}), against the real
 * PostgreSQL and the real Redis (db {@value #DB}, flushed before the test). Every node serves a tenant-scoped
 * {@code postgresql} resource to {@value #TENANTS} tenants under a random concurrent load ({@code sessions}: 4
 * threads a node, a random tenant each time, {@code pg_sleep} 1..30 ms), logged in as a role of this test's own, each
 * tenant's pool with its own {@code ApplicationName}; the test samples {@code pg_stat_activity} of that role per
 * application_name all along. After a warm-up (every tenant's pool created on every node: a pool's start-up
 * connection is opened before the budget is given, so up to one per pool is open without a permit for a moment, as
 * docs/cluster.md says), a tenant's sessions never exceed {@value #TENANT_LIMIT} nor all of them {@value #RESOURCE_LIMIT},
 * though every node's pools could open {@value #POOL_MAX} each. The shared PostgreSQL allows 100 connections, other
 * tests use it at the same time: the resource's limit keeps this test at {@value #RESOURCE_LIMIT} at most.
 */
class SessionBudgetAcrossProcessesTest {

    static final int DB = 2;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String APP = "budgetprocs-";
    static final int TENANTS = 100;
    static final int POOL_MAX = 4;
    static final int TENANT_LIMIT = 2;
    static final int RESOURCE_LIMIT = 20;
    static final List<String> IDS = List.of("node-1", "node-2", "node-3");

    private final String role = "budgetprocs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private NodeProcesses nodes;
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void createRole() throws SQLException {
        nodes = new NodeProcesses(Path.of("target", "three-jvm", "session-budget"));
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
        postgres("create role " + role + " login");
    }

    @AfterEach
    void close() throws Exception {
        try {
            nodes.close();
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
        c.put("nebula.audit.enabled", "false");
        c.put("nebula.history.enabled", "false");
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", REDIS);
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.heartbeat-ttl", "3s");
        c.put("nebula.cluster.redis-timeout", "1s"); // a loaded machine: this test is not about Redis failing
        c.put("nebula.resource.sessions-db.kind", "postgresql");
        c.put("nebula.resource.sessions-db.scope", "tenant");
        c.put("nebula.resource.sessions-db.url", PG_URL);
        c.put("nebula.resource.sessions-db.username", role);
        c.put("nebula.resource.sessions-db.properties.ApplicationName", APP + "{tenant}");
        c.put("nebula.resource.sessions-db.pool.min-size", "0");
        c.put("nebula.resource.sessions-db.pool.max-size", Integer.toString(POOL_MAX));
        c.put("nebula.resource.sessions-db.pool.acquire-timeout", "5s");
        c.put("nebula.resource.sessions-db.pool.idle-timeout", "300ms"); // sessions close and open again: churn
        c.put("nebula.resource.sessions-db.cluster.max-instances", Integer.toString(RESOURCE_LIMIT));
        c.put("nebula.resource.sessions-db.cluster.tenant.max-instances", Integer.toString(TENANT_LIMIT));
        c.put("nebula.resource.sessions-db.cluster.batch", "4");
        return c;
    }

    /** This test's sessions open at the database now, by tenant. */
    private Map<String, Integer> sessions(Connection c) throws SQLException {
        Map<String, Integer> n = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select application_name, count(*) from pg_stat_activity where usename = '"
                     + role + "' group by application_name")) {
            while (r.next()) {
                n.put(r.getString(1), r.getInt(2));
            }
        }
        return n;
    }

    @Test
    void underARandomLoadOfAHundredTenantsOnThreeProcessesPgStatActivityNeverExceedsTheBudgets() throws Exception {
        List<NodeProcesses.Node> started = nodes.start(config(), IDS, Map.of());
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        Map<String, Integer> maxPerTenant = new ConcurrentHashMap<>();
        AtomicInteger maxTotal = new AtomicInteger(); // sessions with an application_name (a tenant's)
        AtomicInteger maxAll = new AtomicInteger(); // those starting up included
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger warmUpMaxTenant = new AtomicInteger();
        AtomicInteger warmUpMaxTotal = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null)) {
                while (running.get()) {
                    Map<String, Integer> now = sessions(c);
                    int total = now.values().stream().mapToInt(Integer::intValue).sum();
                    // a session still starting up has no application_name yet: counted in the total, no tenant's
                    Integer starting = now.remove("");
                    if (measuring.get()) {
                        maxAll.accumulateAndGet(total, Math::max);
                        if (total > RESOURCE_LIMIT) {
                            System.out.println("session budget across processes: above the limit: " + total
                                    + " sessions, " + (starting == null ? 0 : starting) + " of them starting up");
                        }
                    }
                    total -= starting == null ? 0 : starting;
                    int tenantMax = now.values().stream().mapToInt(Integer::intValue).max().orElse(0);
                    if (measuring.get()) {
                        now.forEach((t, n) -> maxPerTenant.merge(t, n, Math::max));
                        maxTotal.accumulateAndGet(total, Math::max);
                        samples.incrementAndGet();
                    } else {
                        warmUpMaxTenant.accumulateAndGet(tenantMax, Math::max);
                        warmUpMaxTotal.accumulateAndGet(total, Math::max);
                    }
                    Thread.sleep(2);
                }
            } catch (Throwable e) {
                unexpected.compareAndSet(null, e);
            }
        }, "pg-sampler");
        sampler.start();
        try {
            for (NodeProcesses.Node n : started) {
                n.ask("sessions sessions-db " + TENANTS + " 4", "LOADING");
            }
            Thread.sleep(8_000); // the warm-up: most tenants' pools created on every node
            for (NodeProcesses.Node n : started) {
                n.ask("mark", "STATS");
            }
            measuring.set(true);
            Thread.sleep(15_000); // the load's duration, not a synchronisation
            measuring.set(false);
        } finally {
            running.set(false);
            sampler.join(10_000);
        }
        long served = 0;
        Map<String, Long> refused = new HashMap<>();
        for (NodeProcesses.Node n : started) {
            String line = n.ask("stop", "STATS");
            System.out.println("session budget across processes: " + n.id + " " + line);
            ClusterAcrossProcessesTest.Stats s = ClusterAcrossProcessesTest.Stats.of(line);
            assertThat(s.values().get("failed")).as(n.id + ": no failure other than the budget's refusal").isEqualTo("-");
            served += s.get("acquired");
            for (String limit : List.of("cluster.max-instances", "cluster.tenant.max-instances")) {
                refused.merge(limit, s.refused(limit), Long::sum);
            }
        }
        System.out.printf("session budget across processes: samples=%d tenantsSeen=%d maxPerTenant=%d maxTotal=%d"
                        + " (all, starting up included: %d) served=%d refused=%s (warm-up: maxPerTenant=%d maxTotal=%d)%n", samples.get(),
                maxPerTenant.size(), maxPerTenant.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                maxTotal.get(), maxAll.get(), served, refused, warmUpMaxTenant.get(), warmUpMaxTotal.get());
        assertThat(unexpected.get()).as("the sampler").isNull();
        assertThat(samples.get()).as("the sampler kept sampling").isGreaterThan(500);
        assertThat(maxPerTenant).as("a tenant's sessions on all nodes, cluster.tenant.max-instances")
                .allSatisfy((t, n) -> assertThat(n).as(t).isLessThanOrEqualTo(TENANT_LIMIT));
        assertThat(maxTotal.get()).as("all tenants' sessions of the resource, cluster.max-instances")
                .isLessThanOrEqualTo(RESOURCE_LIMIT);
        assertThat(maxPerTenant.size()).as("tenants seen with sessions while measuring").isGreaterThan(TENANTS / 2);
        assertThat(served).as("queries served").isGreaterThan(100);
        assertThat(refused.values()).as("both budgets were reached").allMatch(n -> n > 0);
    }

    private static void postgres(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
