package io.nebula.resource.faults;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Action;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.cdi.ScopeHandle;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17 point 2 for a JDBC kind: the table of docs/resilience.md as JDBC code sees it through the data source it
 * holds (injected, or {@code Resources.get}), whose {@code getConnection()} is an acquisition of the resource. Every
 * failure is an {@link SQLException}, whose cause is the Nebula exception a lease would have failed with; an
 * {@code @Action} naming the resource, which acquires before its method runs, throws that Nebula exception itself.
 * Each failure is produced for real, through a {@link io.nebula.resource.testing.FaultProxy} in front of the local
 * server.
 */
abstract class JdbcFailureTable {

    static final String RESOURCE = "r";
    static final Duration SETUP = Duration.ofSeconds(10);

    /** The kind's keys, without {@code nebula.resource.r.}; {@code {proxy}} stands for the proxy's host and port. */
    abstract Map<String, String> kindKeys();

    abstract int serverPort();

    /** The driver's error when the server cannot be reached. */
    abstract Class<? extends SQLException> driverError();

    /** Its SQLState, which the application's exception keeps. */
    abstract String driverState();

    Rig rig(String... keys) throws Exception {
        Map<String, String> all = new HashMap<>(kindKeys());
        all.put("pool.acquire-timeout", "2s");
        all.put("pool.validation-bypass", "0"); // a connection the proxy cut is found out when borrowed, not used
        for (int i = 0; i < keys.length; i += 2) {
            all.put(keys[i], keys[i + 1]);
        }
        return new Rig(RESOURCE, serverPort(), all, Act.class, Ledger.class);
    }

    /** An application bean whose method names the resource in {@code @Action} and queries it. */
    static class Act {
        static final AtomicInteger RAN = new AtomicInteger();

        @Action(resources = RESOURCE)
        public void query(DataSource db) throws SQLException {
            RAN.incrementAndGet();
            selectOne(db);
        }
    }

    /** An application bean with the data source injected (for a tenant-scoped resource, a proxy of the scope's lease). */
    static class Ledger {
        @Inject
        @NebulaResource(RESOURCE)
        DataSource db;
    }

    /** The data source, made with time enough for a first connection on a loaded machine (a setup step). */
    static DataSource dataSource(Rig rig) {
        rig.resources().acquire(RESOURCE, DataSource.class, SETUP).close();
        return rig.resources().get(RESOURCE, DataSource.class);
    }

    static void selectOne(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
            r.next();
        }
    }

    static Throwable connecting(DataSource db) {
        return catchThrowable(() -> db.getConnection().close());
    }

    /** An {@code @Action} naming the resource, refused before its method ran. */
    static Throwable actionRefused(Rig rig, DataSource db) {
        int before = Act.RAN.get();
        Throwable refused = catchThrowable(() -> rig.bean(Act.class).query(db));
        assertThat(Act.RAN.get()).as("the @Action method ran").isEqualTo(before);
        return refused;
    }

    @Test
    void poolExhausted() throws Exception {
        try (Rig rig = rig("pool.max-size", "1")) {
            DataSource db = dataSource(rig);
            try (Connection held = db.getConnection()) {
                assertThat(connecting(db)).isInstanceOfSatisfying(SQLTimeoutException.class, e -> {
                    assertThat(e.getSQLState()).isNull();
                    assertThat(e.getMessage()).contains("pool.max-size");
                    assertThat(e.getCause()).isInstanceOfSatisfying(AcquisitionTimeoutException.class, nebula -> {
                        assertThat(nebula.reason()).isEqualTo(Reason.POOL_EXHAUSTED);
                        assertThat(nebula.resource()).isEqualTo(RESOURCE);
                    });
                });
            }
        }
    }

    @Test
    void backendDown() throws Exception {
        try (Rig rig = rig("circuit-breaker.enabled", "false")) {
            DataSource db = dataSource(rig);
            rig.proxy.down();
            assertThat(connecting(db)).isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> {
                assertThat(e.getSQLState()).as("the driver's").isEqualTo(driverState());
                assertThat(e.getCause()).isInstanceOfSatisfying(AcquisitionTimeoutException.class, nebula -> {
                    assertThat(nebula.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
                    assertThat(nebula.getMessage()).startsWith("NEBULA-0102");
                    assertThat(nebula.getCause()).as("the driver's own error").isInstanceOf(driverError());
                });
            });
            // the @Action lets the method run (nothing refuses it yet): its getConnection() fails the same way
            int before = Act.RAN.get();
            assertThat(catchThrowable(() -> rig.bean(Act.class).query(db))).isInstanceOf(SQLTransientConnectionException.class)
                    .cause().isInstanceOf(AcquisitionTimeoutException.class);
            assertThat(Act.RAN.get()).isEqualTo(before + 1);
        }
    }

    @Test
    void circuitOpen() throws Exception {
        try (Rig rig = rig("circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                "circuit-breaker.delay", "60s", "retry.max-retries", "0")) {
            DataSource db = dataSource(rig);
            rig.proxy.down();
            assertThat(connecting(db)).as("the failure that opens the circuit").isInstanceOf(SQLTransientConnectionException.class);
            assertThat(connecting(db)).isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08001");
                assertThat(e.getCause()).isInstanceOfSatisfying(CircuitOpenException.class, open -> {
                    assertThat(open.resource()).isEqualTo(RESOURCE);
                    assertThat(open.nextProbe()).isNotNull();
                    assertThat(open.getCause()).as("the last backend error, the driver's own").isInstanceOf(driverError());
                });
            });
            assertThat(actionRefused(rig, db)).isInstanceOf(CircuitOpenException.class);
            assertThat(catchThrowable(() -> rig.resources().acquire(RESOURCE, DataSource.class).close()))
                    .as("a lease").isInstanceOf(CircuitOpenException.class);

            rig.proxy.up();
            await("served again, long before circuit-breaker.delay (60 s): the prober found the server back")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> connecting(db) == null);
        }
    }

    @Test
    void quarantined() throws Exception {
        // pool.acquire-timeout is also how long a check waits for the data source being made: on a loaded machine its
        // first connection may take seconds, and a check that gave up on it first would quarantine a healthy resource
        try (Rig rig = rig("health.depth", "deep", "health.quarantine-after", "1", "health.interval", "100ms",
                "circuit-breaker.enabled", "false", "pool.acquire-timeout", SETUP.toMillis() + "ms")) {
            DataSource db = dataSource(rig);
            rig.proxy.down();
            await("quarantined").atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(rig.readiness("quarantined").orElse(null)));
            assertThat(connecting(db)).isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08001");
                assertThat(e.getCause()).isInstanceOfSatisfying(AcquisitionTimeoutException.class, nebula -> {
                    assertThat(nebula.reason()).isEqualTo(Reason.QUARANTINED);
                    assertThat(nebula.getMessage()).startsWith("NEBULA-3202").contains("health.quarantine-after")
                            .as("the last check's error, the backend's: not a refusal of the quarantine itself")
                            .containsOnlyOnce("NEBULA-3202");
                    assertThat(nebula.getCause()).isNull();
                });
            });
            assertThat(actionRefused(rig, db)).isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.QUARANTINED));

            rig.proxy.up();
            await("the first passing check lifts the quarantine").atMost(Duration.ofSeconds(10))
                    .until(() -> Boolean.FALSE.equals(rig.readiness("quarantined").orElse(null)));
            selectOne(db);
        }
    }

    /**
     * A tenant's quota counts leases: a {@code Lease<DataSource>}, or the lease an {@code @Action} (or the first use of
     * the injected data source in a scope) binds to its scope. Its refusal is Nebula's, as for any kind.
     */
    @Test
    void quota() throws Exception {
        try (Rig rig = rig("scope", "tenant", "tenant.quota.max-concurrent-leases", "1");
             ScopeHandle acme = rig.contexts().enter("acme", "billing", "run-1", null);
             Lease<DataSource> held = rig.resources().acquire(RESOURCE, DataSource.class, SETUP)) {
            selectOne(held.get());
            assertThat(catchThrowable(() -> rig.resources().acquire(RESOURCE, DataSource.class).close()))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                        assertThat(e.tenant()).isEqualTo("acme");
                        assertThat(e.limit()).isEqualTo("tenant.quota.max-concurrent-leases");
                        assertThat(e.value()).isEqualTo(1);
                        assertThat(e.getMessage()).startsWith("NEBULA-4006");
                    });
            assertThat(actionRefused(rig, held.get())).isInstanceOf(QuotaExceededException.class);
            // the data source the application got in another execution of the tenant: its first getConnection()
            // takes that scope's lease, whose refusal it throws as is
            Ledger ledger = rig.bean(Ledger.class);
            Throwable inAnotherExecution = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle other = rig.contexts().enter("acme", "billing", "run-2", null)) {
                    return connecting(ledger.db);
                }
            }).join();
            assertThat(inAnotherExecution).isInstanceOf(QuotaExceededException.class);
        }
    }

    /**
     * While the resource drains, a data source's connections are still handed out: its holders are what the drain waits
     * for. New leases are refused; once the pool is closed, so is every {@code getConnection()}.
     */
    @Test
    void draining() throws Exception {
        try (Rig rig = rig("pool.drain-grace", "10s")) {
            DataSource db = dataSource(rig);
            var resource = rig.managed();
            Lease<DataSource> held = rig.resources().acquire(RESOURCE, DataSource.class, SETUP);
            rig.stopInTheBackground();
            await("draining").atMost(Duration.ofSeconds(5)).until(() -> resource.state() == ResourceState.DRAINING);
            selectOne(db);
            assertThat(catchThrowable(() -> resource.acquire(Duration.ofMillis(100)).close()))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> assertThat(e.reason()).isEqualTo(Reason.POOL_DRAINING));
            held.close();
            rig.stopped();
            assertThat(connecting(db)).as("once the pool is closed").isInstanceOfSatisfying(SQLNonTransientConnectionException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08003");
                assertThat(e.getCause()).isInstanceOf(ResourceClosedException.class);
            });
        }
    }
}
