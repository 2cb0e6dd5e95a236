package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLTimeoutException;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The injected {@code DataSource} is the provider's own pool, and its {@code getConnection()} runs through the
 * resource's acquisition pipeline: each call is metered like a lease, and Agroal's exhausted wait is a busy pool,
 * which reaches JDBC code as the {@code SQLTimeoutException} it was and never opens the circuit.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=h2",
        "nebula.resource.orders-db.pool.max-size=1",
        "nebula.resource.orders-db.pool.acquire-timeout=200ms",
        "nebula.resource.orders-db.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.orders-db.circuit-breaker.failure-ratio=0.5"})
class JdbcPipelineTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    @NebulaResource("orders-db")
    DataSource db;

    @Inject
    @NebulaResource("orders-db")
    AgroalDataSource pool;

    @Inject
    ResourceStatistics statistics;

    @Test
    void oneDataSourceWhoseConnectionsAreMeteredAndWhoseBusyPoolIsNotABackendFailure() throws Exception {
        assertThat(db.unwrap(AgroalDataSource.class)).as("no wrapper over the provider's pool").isSameAs(pool);
        long before = statistics.of("orders-db").acquisitions();

        try (Connection held = db.getConnection()) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(db::getConnection).isInstanceOf(SQLTimeoutException.class)
                        .hasMessageContaining("pool.max-size");
            }
        }
        try (Connection again = db.getConnection()) {
            assertThat(again.isValid(1)).isTrue();
        }

        ResourceFigures figures = statistics.of("orders-db");
        assertThat(figures.acquisitions() - before).as("every getConnection() passed the metering stage").isEqualTo(5);
        assertThat(figures.errorRate().orElseThrow()).as("three exhausted of all").isEqualTo(3.0 / figures.acquisitions());
        assertThat(figures.circuit()).as("three exhausted waits are no backend failure").contains("closed");
    }
}
