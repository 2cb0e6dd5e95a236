package io.nebula.resource.provider.jdbc;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hundred tenants, each with a schema of its own on the real PostgreSQL, served by one tenant-scoped
 * resource configured with {@code schema=..._{tenant}}: randomized concurrent workflows, and then the server is
 * asked what happened. Every row a workflow wrote sits in the schema of the tenant the workflow believed it
 * was, written there ({@code current_schema()}) by that tenant's connection; no tenant ever had more leases at
 * once than its quota (a counter the workflows keep on the server); the server never saw more sessions than the
 * tenant limits allow; and the pools of idle tenants were closed.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.tenant-db.kind=postgresql",
        "nebula.resource.tenant-db.scope=tenant",
        "nebula.resource.tenant-db.url=jdbc:postgresql://127.0.0.1:5432/test",
        "nebula.resource.tenant-db.username=postgres",
        "nebula.resource.tenant-db.pool.max-size=3",
        "nebula.resource.tenant-db.pool.acquire-timeout=10s",
        "nebula.resource.tenant-db.tenant.max-pools=10",
        "nebula.resource.tenant-db.tenant.max-instances=30",
        "nebula.resource.tenant-db.tenant.idle-timeout=300ms",
        "nebula.resource.tenant-db.tenant.quota.max-concurrent-leases=2",
        // the hot tenant may hold more at once: its override must hold on the server too
        "nebula.tenant.t000.resource.tenant-db.tenant.quota.max-concurrent-leases=3"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class TenantIsolationTest {

    static final int TENANTS = 100;
    static final int WORKFLOWS = 2_000;
    static final int MAX_PER_TENANT = 3;   // pool.max-size
    static final int MAX_ON_SERVER = 30;   // tenant.max-instances

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Ledger.class);

    @Inject
    WorkflowContexts contexts;

    @Inject
    Ledger ledger;

    @Inject
    Resources resources;

    @RuntimeConfig
    Map<String, String> perRun() {
        return Map.of("nebula.resource.tenant-db.schema", "nebula_" + run + "_{tenant}",
                "nebula.resource.tenant-db.properties.ApplicationName", application("{tenant}"));
    }

    /** A workflow's action: counts itself in on the server, records who it believes it works for, counts itself out. */
    @ApplicationScoped
    static class Ledger {

        @Inject
        @NebulaResource("tenant-db")
        DataSource db;

        @Action(resources = "tenant-db")
        void record(String believedTenant, long workflow) throws SQLException {
            try (Connection c = db.getConnection()) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE gauge SET leases = leases + 1, peak = GREATEST(peak, leases + 1)");
                }
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO work (believed, written_in, workflow) VALUES (?, current_schema(), ?)")) {
                    insert.setString(1, believedTenant);
                    insert.setLong(2, workflow);
                    insert.executeUpdate();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_sleep(0.003)");
                    s.executeUpdate("UPDATE gauge SET leases = leases - 1");
                    // what the next workflow of this tenant must not inherit: its INSERT would then find no table
                    s.execute("SET search_path TO public");
                }
            }
        }
    }

    private static String tenant(int i) {
        return String.format("t%03d", i);
    }

    private String schema(String tenant) {
        return "nebula_" + run + "_" + tenant;
    }

    private String application(String tenant) {
        return "nebula-" + run + "-" + tenant;
    }

    @BeforeEach
    void createSchemas() throws SQLException {
        // the audit trail is a CDI event and a log line per lease: thousands here, not worth printing
        Logger.getLogger("io.nebula.resource.audit").setLevel(Level.WARNING);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (int i = 0; i < TENANTS; i++) {
                String schema = schema(tenant(i));
                s.addBatch("CREATE SCHEMA " + schema);
                s.addBatch("CREATE TABLE " + schema + ".work (id serial PRIMARY KEY, believed text NOT NULL,"
                        + " written_in text NOT NULL, workflow bigint NOT NULL)");
                s.addBatch("CREATE TABLE " + schema + ".gauge (leases int NOT NULL, peak int NOT NULL)");
                s.addBatch("INSERT INTO " + schema + ".gauge VALUES (0, 0)");
            }
            s.executeBatch();
        }
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        Logger.getLogger("io.nebula.resource.audit").setLevel(null);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (int i = 0; i < TENANTS; i++) {
                s.addBatch("DROP SCHEMA IF EXISTS " + schema(tenant(i)) + " CASCADE");
            }
            s.executeBatch();
        }
    }

    @Test
    void everyQueryRunsInItsOwnTenantsSchemaWithinItsQuotaAndIdlePoolsClose() throws Exception {
        Map<String, AtomicInteger> recorded = new ConcurrentHashMap<>();
        Map<String, LongAdder> denied = new ConcurrentHashMap<>();
        List<Throwable> unexpected = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger peakOnServer = new AtomicInteger();
        AtomicInteger peakOfATenant = new AtomicInteger();

        ExecutorService sampler = Executors.newSingleThreadExecutor();
        sampler.submit(() -> {
            try (Connection c = admin(); PreparedStatement q = c.prepareStatement("SELECT application_name, count(*)"
                    + " FROM pg_stat_activity WHERE application_name LIKE ? GROUP BY application_name")) {
                q.setString(1, application("%"));
                while (sampling.get()) {
                    int total = 0;
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            total += r.getInt(2);
                            peakOfATenant.accumulateAndGet(r.getInt(2), Math::max);
                        }
                    }
                    peakOnServer.accumulateAndGet(total, Math::max);
                    Thread.sleep(5);
                }
            }
            return null;
        });

        ExecutorService workers = Executors.newFixedThreadPool(12);
        for (int w = 0; w < 12; w++) {
            workers.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n; (n = next.incrementAndGet()) <= WORKFLOWS; ) {
                    // half the traffic on a few hot tenants (quota contention), half spread over all (pool churn)
                    String tenant = tenant(random.nextBoolean() ? random.nextInt(4) : random.nextInt(TENANTS));
                    try (ScopeHandle scope = contexts.enter(tenant, "ledger", "run-" + n, null)) {
                        ledger.record(tenant, n);
                        recorded.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
                    } catch (QuotaExceededException e) {
                        denied.computeIfAbsent(e.limit(), l -> new LongAdder()).increment();
                    } catch (Throwable e) {
                        synchronized (unexpected) {
                            unexpected.add(e);
                        }
                    }
                }
            });
        }
        workers.shutdown();
        assertThat(workers.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        sampling.set(false);
        sampler.shutdown();
        assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(unexpected).as("failures other than a quota").isEmpty();
        assertThat(recorded.keySet().size()).as("tenants served").isGreaterThan(60);

        int rows = 0;
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (int i = 0; i < TENANTS; i++) {
                String tenant = tenant(i);
                try (ResultSet r = s.executeQuery("SELECT believed, written_in, count(*) FROM " + schema(tenant)
                        + ".work GROUP BY believed, written_in")) {
                    while (r.next()) {
                        assertThat(r.getString(1)).as("a workflow of another tenant wrote in " + tenant + "'s schema")
                                .isEqualTo(tenant);
                        assertThat(r.getString(2)).as("written by a connection whose schema was not " + tenant + "'s")
                                .isEqualTo(schema(tenant));
                        rows += r.getInt(3);
                    }
                }
                try (ResultSet r = s.executeQuery("SELECT leases, peak FROM " + schema(tenant) + ".gauge")) {
                    r.next();
                    assertThat(r.getInt(1)).as(tenant + " leases still counted in").isZero();
                    assertThat(r.getInt(2)).as(tenant + "'s concurrent leases, counted on the server")
                            .isLessThanOrEqualTo(tenant.equals("t000") ? 3 : 2);
                }
            }
        }
        assertThat(rows).as("every recorded workflow's row, and no other").isEqualTo(
                recorded.values().stream().mapToInt(AtomicInteger::get).sum());
        assertThat(denied.get("tenant.quota.max-concurrent-leases")).as("the quota was reached, so it was tested")
                .isNotNull();
        assertThat(peakOfATenant.get()).as("sessions of one tenant on the server").isLessThanOrEqualTo(MAX_PER_TENANT);
        assertThat(peakOnServer.get()).as("sessions of all tenants on the server").isLessThanOrEqualTo(MAX_ON_SERVER);

        // no lease out any more: every tenant's pool closes after tenant.idle-timeout, and its sessions with it
        // (Agroal may reap a pool's idle sessions before the tenant pool itself closes: wait for both)
        await().atMost(Duration.ofSeconds(15)).until(() -> sessions() == 0
                && resources.find("tenant-db").orElseThrow().pool().size() == 0);
    }

    private int sessions() throws SQLException {
        try (Connection c = admin(); PreparedStatement q = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE ?")) {
            q.setString(1, application("%"));
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
    }
}
