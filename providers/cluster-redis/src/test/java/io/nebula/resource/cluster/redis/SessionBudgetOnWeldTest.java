package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.metrics.MetricRegistryProducer;
import io.smallrye.metrics.SharedMetricRegistries;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster-wide session budget ({@code cluster.max-instances}, {@code cluster.tenant.max-instances}) through the
 * CDI extension on Weld SE, against the real PostgreSQL and the real Redis (db {@value #DB}, which no other test
 * uses, flushed before each test): three containers in one JVM, each a node, serve a tenant-scoped {@code postgresql}
 * resource to three tenants under a random concurrent load, while a sampler counts the database's sessions of each
 * tenant in {@code pg_stat_activity} (each tenant's pool sets its own {@code ApplicationName}). The sessions of a
 * tenant never exceed its cluster-wide limit, nor all of them the resource's, though every node's pools could open
 * {@value #POOL_MAX} each.
 */
@SuppressWarnings("try")
class SessionBudgetOnWeldTest {

    static final int DB = 10;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String APP = "nebula-sessions-";
    static final int POOL_MAX = 4;
    static final int TENANT_LIMIT = 3;
    static final int RESOURCE_LIMIT = 7;
    static final List<String> TENANTS = List.of("sba", "sbb", "sbc");

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void flush() {
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
    }

    @AfterEach
    void close() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
        admin.close();
        redis.shutdown();
    }

    /** The keys as a node of the three-JVM harness would set them too. */
    static Map<String, String> config(String node) {
        Map<String, String> c = new HashMap<>();
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", REDIS);
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.node-id", node);
        c.put("nebula.cluster.heartbeat-ttl", "3s");
        c.put("nebula.cluster.redis-timeout", "1s"); // a loaded machine: this test is not about Redis failing
        c.put("nebula.resource.sessions-db.kind", "postgresql");
        c.put("nebula.resource.sessions-db.scope", "tenant");
        c.put("nebula.resource.sessions-db.url", PG_URL);
        c.put("nebula.resource.sessions-db.username", "postgres");
        c.put("nebula.resource.sessions-db.properties.ApplicationName", APP + "{tenant}");
        c.put("nebula.resource.sessions-db.pool.min-size", "0");
        c.put("nebula.resource.sessions-db.pool.max-size", Integer.toString(POOL_MAX));
        c.put("nebula.resource.sessions-db.pool.acquire-timeout", "5s"); // a tenant pool starting on a loaded machine
        c.put("nebula.resource.sessions-db.pool.idle-timeout", "300ms"); // sessions close and open again: churn
        // the default cluster.batch: a node takes at most an eighth of a limit at once (1 of 7, LeaseBudget.batchFor),
        // so no node takes every permit of the resource and leaves the others waiting for its heartbeat
        c.put("nebula.resource.sessions-db.cluster.max-instances", Integer.toString(RESOURCE_LIMIT));
        c.put("nebula.resource.sessions-db.cluster.tenant.max-instances", Integer.toString(TENANT_LIMIT));
        return c;
    }

    private WeldContainer node(Map<String, String> config) {
        SmallRyeConfig cfg = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(config, "node", 100)).build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // none registered yet
        }
        resolver.registerConfig(cfg, loader);
        WeldContainer container = NebulaWeld.container(MetricRegistryProducer.class)
                .containerId("sessions-" + config.get("nebula.cluster.node-id")).initialize();
        open.push(container::shutdown);
        return container;
    }

    /** The sessions of each tenant of this test open at the database now. */
    static Map<String, Integer> sessions(Connection admin) throws SQLException {
        Map<String, Integer> n = new HashMap<>();
        try (Statement s = admin.createStatement();
             ResultSet r = s.executeQuery("select application_name, count(*) from pg_stat_activity"
                     + " where application_name like '" + APP + "%' group by application_name")) {
            while (r.next()) {
                n.put(r.getString(1).substring(APP.length()), r.getInt(2));
            }
        }
        return n;
    }

    @Test
    void underARandomLoadOnThreeNodesTheDatabaseNeverSeesMoreSessionsThanTheBudgets() throws Exception {
        List<WeldContainer> nodes = List.of(node(config("a")), node(config("b")), node(config("c")));
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, Integer> maxPerTenant = new ConcurrentHashMap<>();
        AtomicInteger maxTotal = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();

        Thread sampler = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null)) {
                while (running.get()) {
                    Map<String, Integer> now = sessions(c);
                    now.forEach((t, n) -> maxPerTenant.merge(t, n, Math::max));
                    maxTotal.accumulateAndGet(now.values().stream().mapToInt(Integer::intValue).sum(), Math::max);
                    samples.incrementAndGet();
                }
            } catch (Throwable e) {
                unexpected.compareAndSet(null, e);
            }
        }, "pg-sampler");
        List<Thread> workers = new ArrayList<>();
        for (WeldContainer node : nodes) {
            Resources resources = node.select(Resources.class).get();
            WorkflowContexts contexts = node.select(WorkflowContexts.class).get();
            for (int w = 0; w < 3; w++) {
                workers.add(new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (running.get() && unexpected.get() == null) {
                        String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                        try (ScopeHandle scope = contexts.enter(tenant, null, null, null);
                             Lease<DataSource> lease = resources.acquire("sessions-db", DataSource.class);
                             Connection c = lease.get().getConnection();
                             Statement s = c.createStatement()) {
                            s.execute("select pg_sleep(" + random.nextInt(1, 30) / 1000.0 + ")");
                            served.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
                        } catch (Exception e) {
                            QuotaExceededException q = quota(e);
                            if (q == null) {
                                unexpected.compareAndSet(null, e);
                            } else {
                                assertThat(q.limit()).isIn("cluster.max-instances", "cluster.tenant.max-instances");
                                refused.computeIfAbsent(q.limit(), t -> new AtomicInteger()).incrementAndGet();
                                sleepQuietly(random.nextInt(1, 20)); // a caller refused backs off, as a real one would
                            }
                        }
                    }
                }, "load-" + workers.size()));
            }
        }
        sampler.start();
        workers.forEach(Thread::start);
        Thread.sleep(6_000); // the load's duration, not a synchronisation
        running.set(false);
        for (Thread t : workers) {
            t.join(10_000);
        }
        sampler.join(10_000);

        assertThat(unexpected.get()).as("no failure other than the budget's refusal").isNull();
        System.out.printf("session budget: samples=%d maxPerTenant=%s maxTotal=%d served=%s refused=%s%n",
                samples.get(), maxPerTenant, maxTotal.get(), served, refused);
        assertThat(samples.get()).as("the sampler kept sampling").isGreaterThan(50);
        assertThat(maxPerTenant.values()).as("a tenant's sessions on all nodes, cluster.tenant.max-instances")
                .allMatch(n -> n <= TENANT_LIMIT);
        assertThat(maxTotal.get()).as("all sessions of the resource, cluster.max-instances")
                .isLessThanOrEqualTo(RESOURCE_LIMIT);
        assertThat(maxPerTenant.keySet()).as("every tenant had sessions").containsExactlyInAnyOrderElementsOf(TENANTS);
        for (String t : TENANTS) {
            assertThat(served.getOrDefault(t, new AtomicInteger()).get()).as("tenant " + t + " was served")
                    .isGreaterThan(20);
        }
        assertThat(refused).as("the budgets were reached").isNotEmpty();
        for (String node : List.of("a", "b", "c")) {
            assertThat(gauge("nebula.cluster.admitted.alone", node).longValue())
                    .as("node " + node + " never counted alone: Redis answered throughout").isZero();
        }
    }

    private static QuotaExceededException quota(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof QuotaExceededException q) {
                return q;
            }
        }
        return null;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Number gauge(String name, String node) {
        MetricRegistry registry = SharedMetricRegistries.getOrCreate(MetricRegistry.APPLICATION_SCOPE);
        var g = registry.getGauges().get(new MetricID(name, new Tag("node", node)));
        if (g != null) {
            return g.getValue();
        }
        var c = registry.getCounters().get(new MetricID(name, new Tag("node", node)));
        assertThat(c).as(name + " of node " + node).isNotNull();
        return c.getCount();
    }
}
