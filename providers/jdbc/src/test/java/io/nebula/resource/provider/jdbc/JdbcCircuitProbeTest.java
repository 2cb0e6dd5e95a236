package io.nebula.resource.provider.jdbc;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceStatistics;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * While a data source's circuit is open, the circuit's prober asks the database once a second with the provider's
 * health check and half-opens the circuit at the first answer, long before {@code circuit-breaker.delay} (a minute
 * here). The check takes its connection straight from Agroal: through the data source's {@code getConnection()} it
 * would meet the open circuit it probes, and the circuit would wait out its delay. The database is the local
 * PostgreSQL behind a {@link FaultProxy}.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.probed-db.kind=postgresql",
        "nebula.resource.probed-db.username=postgres",
        "nebula.resource.probed-db.pool.validation-bypass=0",
        "nebula.resource.probed-db.retry.max-retries=0",
        "nebula.resource.probed-db.health.interval=0",
        "nebula.resource.probed-db.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.probed-db.circuit-breaker.failure-ratio=1",
        "nebula.resource.probed-db.circuit-breaker.delay=1m"})
class JdbcCircuitProbeTest {

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
        return Map.of("nebula.resource.probed-db.url",
                "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test");
    }

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    @NebulaResource("probed-db")
    DataSource db;

    @Inject
    ResourceStatistics statistics;

    @Test
    void anOpenCircuitHalfOpensWithinAboutASecondOfTheDatabasesReturnNotAfterItsDelay() throws Exception {
        db.getConnection().close(); // the data source exists and hands out through the pipeline
        database.down();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(db::getConnection).isInstanceOf(SQLException.class);
        }
        assertThat(statistics.of("probed-db").circuit()).contains("open");

        database.up();
        // the prober asks once a second; 3 s leaves room for a busy machine and is still far below the 1 m delay
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> !statistics.of("probed-db").circuit().orElseThrow().equals("open"));
        try (Connection again = db.getConnection()) {
            assertThat(again.isValid(1)).isTrue();
        }
        assertThat(statistics.of("probed-db").circuit()).contains("closed");
    }
}
