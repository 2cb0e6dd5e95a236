package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.Attempt;
import io.nebula.resource.provider.testing.LocalServer;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.spi.CheckDepth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops and starts again under a running application (one Weld container throughout): while
 * it is down, health is DOWN and {@code getConnection()} on the injected {@code DataSource} fails at
 * once with the driver's refusal; once it is back, health is UP again and the same injected
 * {@code DataSource} serves, and the server never sees more sessions than {@code pool.max-size}.
 *
 * <p>The extension's scheduled checks run every second ({@code health.interval=1s}): a failed check
 * must not replace the shared Agroal pool the application was injected (it would stay closed under its
 * holder after PostgreSQL came back), so this also proves the same injected {@code DataSource} heals.
 * The server is always started again, even when the test fails.
 */
@Tag("restart")
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=postgresql",
        "nebula.resource.orders-db.url=" + Databases.POSTGRESQL_URL,
        "nebula.resource.orders-db.username=postgres",
        "nebula.resource.orders-db.pool.max-size=" + PostgresqlRestartTest.MAX_SIZE,
        "nebula.resource.orders-db.pool.acquire-timeout=30s",
        // every borrowed connection is validated, so a connection the restart killed is never handed out
        "nebula.resource.orders-db.pool.validation-bypass=0",
        "nebula.resource.orders-db.health.interval=1s"})
class PostgresqlRestartTest {

    static final int MAX_SIZE = 3;
    private static final Duration FAST = Duration.ofSeconds(10); // far below pool.acquire-timeout (30s)

    private final String application = "nebula-restart-" + UUID.randomUUID();

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Orders.class);

    @Inject
    Orders orders;

    @Inject
    Resources resources;

    @Inject
    @NebulaResource("orders-db")
    AgroalDataSource pool;

    @RuntimeConfig
    Map<String, String> sessionsNamedForThisTest() {
        return Map.of("nebula.resource.orders-db.properties.ApplicationName", application);
    }

    @ApplicationScoped
    static class Orders {

        @Inject
        @NebulaResource("orders-db")
        DataSource db;

        /** Asks the server something, holding the connection until {@code allHeld} opens (or 10 seconds passed). */
        int query(CountDownLatch allHeld) throws SQLException, InterruptedException {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                allHeld.countDown();
                allHeld.await(10, TimeUnit.SECONDS);
                try (ResultSet r = s.executeQuery("SELECT 42")) {
                    r.next();
                    return r.getInt(1);
                }
            }
        }

        boolean acquire() throws SQLException {
            try (Connection c = db.getConnection()) {
                return c.isValid(2);
            }
        }
    }

    @Test
    void healthGoesDownAcquisitionsFailFastAndBothRecoverWithoutARestartOfTheApplication() throws Exception {
        LocalServer.POSTGRESQL.ensureRunning();
        ManagedResource<?> resource = resources.find("orders-db").orElseThrow();
        runConcurrently(2 * MAX_SIZE);
        assertThat(sessions()).as("sessions of the pool before the restart").isEqualTo(MAX_SIZE);
        assertThat(health().status()).isEqualTo(HealthStatus.Status.UP);

        try (LocalServer.Outage outage = LocalServer.POSTGRESQL.stop()) {
            await("health DOWN while PostgreSQL is stopped").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> health().status() == HealthStatus.Status.DOWN);
            assertThat(health().error()).hasValueSatisfying(e -> assertThat(e).contains("PSQLException"));
            for (int i = 0; i < 3; i++) {
                assertBackendUnavailable(Attempt.of(orders::acquire));
            }

            outage.end();
            await("acquisition through the same injected DataSource once PostgreSQL is back")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !Attempt.of(orders::acquire).failed());
            assertThat(orders.query(new CountDownLatch(0))).isEqualTo(42);
            await("health UP again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> health().isUp() && resource.health().isUp());
            assertThat(resource.state()).isEqualTo(ResourceState.READY);

            runConcurrently(3 * MAX_SIZE);
            assertThat(sessions()).as("sessions of the pool after the restart (pool.max-size=%s)", MAX_SIZE)
                    .isPositive().isLessThanOrEqualTo(MAX_SIZE);
        }
    }

    /** The provider's shallow check through the pool: borrows a connection and asks the driver whether it is valid. */
    private HealthStatus health() {
        return new PostgresqlProvider().check(pool, CheckDepth.SHALLOW);
    }

    /**
     * Failed within seconds, not after pool.acquire-timeout, with the driver's connection error (SQLState
     * class 08) as the error itself or as the cause of what wraps it: Nebula's word that the backend is
     * unavailable, or the SQLException with a connection-exception SQLState that a DataSource throws.
     */
    private static void assertBackendUnavailable(Attempt<?> attempt) {
        assertThat(attempt.failed()).as("getConnection() while PostgreSQL is down: %s", attempt).isTrue();
        assertThat(attempt.took()).as("failed fast: %s", attempt).isLessThan(FAST);
        PSQLException driverError = attempt.errorOfType(PSQLException.class).orElseThrow(() ->
                new AssertionError("the driver's error is not in the chain " + attempt.errorChain(), attempt.error()));
        assertThat(driverError.getSQLState()).as("SQLState of %s", driverError).startsWith("08");
        assertThat(attempt.errorsAround(driverError)).allSatisfy(wrapper -> assertThat(wrapper).satisfiesAnyOf(
                w -> assertThat(Attempt.isBackendRefusal(w, "orders-db")).as("Nebula's backend refusal: %s", w).isTrue(),
                w -> assertThat(w).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).as("SQLState of %s", e).startsWith("08"))));
    }

    /**
     * Runs {@code n} queries at once, more than the pool's maximum: the first {@link #MAX_SIZE} hold their
     * connections until all of them have one, so the pool is driven to its maximum and the others wait.
     */
    private void runConcurrently(int n) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(n);
        CountDownLatch allHeld = new CountDownLatch(MAX_SIZE);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(callers.submit(() -> orders.query(allHeld)));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(42);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private int sessions() throws SQLException {
        try (Connection admin = DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
             PreparedStatement s = admin.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND datname = 'test'")) {
            s.setString(1, application);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
