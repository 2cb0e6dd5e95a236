package io.nebula.resource.provider.jdbc;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.testing.FaultProxy;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code getConnection()} of a database that went away ends within {@code pool.acquire-timeout}, retries and
 * their backoff included, with the driver's error: the retry policy alone (ten retries, a backoff growing from
 * 300 ms, a 10 s {@code retry.max-duration}) would keep the caller for about 10 s. The database is the local
 * PostgreSQL behind a {@link FaultProxy}, taken {@link FaultProxy#down() down} once the data source exists; every
 * borrow validates, so the pooled connection is found dead and each attempt opens a new one, which is refused at
 * once.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.refusing-db.kind=postgresql",
        "nebula.resource.refusing-db.username=postgres",
        "nebula.resource.refusing-db.pool.validation-bypass=0",
        "nebula.resource.refusing-db.pool.acquire-timeout=2s",
        "nebula.resource.refusing-db.retry.max-retries=10",
        "nebula.resource.refusing-db.retry.delay=300ms",
        "nebula.resource.refusing-db.retry.jitter=0",
        "nebula.resource.refusing-db.circuit-breaker.enabled=false"})
class JdbcBudgetTest {

    private static final Duration BUDGET = Duration.ofSeconds(2);
    private static FaultProxy database;

    @BeforeAll
    static void openTheWayToTheDatabase() throws IOException {
        database = FaultProxy.start("127.0.0.1", 5432);
    }

    @AfterAll
    static void shutIt() {
        database.close();
    }

    @RuntimeConfig
    Map<String, String> throughTheProxy() {
        return Map.of("nebula.resource.refusing-db.url",
                "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test");
    }

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    @NebulaResource("refusing-db")
    DataSource db;

    @Test
    void aRefusedGetConnectionEndsWithinTheAcquireTimeoutWithTheDriversError() throws Exception {
        db.getConnection().close(); // the data source exists, with one connection
        database.down();
        long start = System.nanoTime();
        assertThatThrownBy(db::getConnection).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("the driver's: connection refused")
                        .isEqualTo("08001"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // the bound is the feature: a ceiling, with 10% for the scheduler, as the fault suite of issue 17 sets it
        assertThat(took).isLessThanOrEqualTo(BUDGET.plus(BUDGET.dividedBy(10)));
        assertThat(took).as("the retries ran: waits of 300, 600 ms fit in the budget").isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
}
