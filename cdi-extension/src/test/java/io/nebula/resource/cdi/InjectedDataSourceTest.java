package io.nebula.resource.cdi;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.StubDataSource;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code DataSource} injected for a resource whose instance is one (as the JDBC provider's Agroal pool):
 * each {@code getConnection()} is an acquisition of the resource, through its chain, then the real data source.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-datasource",
        "nebula.resource.orders-db.password=s3cr3t-Passw0rd",
        "nebula.resource.orders-db.retry.max-retries=2",
        "nebula.resource.orders-db.retry.delay=1s",
        "nebula.resource.orders-db.retry.jitter=0",
        "nebula.resource.orders-db.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.orders-db.circuit-breaker.failure-ratio=1",
        "nebula.resource.orders-db.circuit-breaker.delay=10s"})
class InjectedDataSourceTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    @NebulaResource("orders-db")
    DataSource ordersDb;

    @Inject
    Resources resources;

    @Test
    void theInjectedDataSourceIsTheProvidersOwnWithNoLayerOverIt() throws SQLException {
        StubDataSource real = ordersDb.unwrap(StubDataSource.class);
        assertThat(ordersDb).as("one data source: its getConnection() runs the pipeline itself").isSameAs(real);
        assertThat(resources.get("orders-db", DataSource.class)).as("the programmatic API gets the same one")
                .isSameAs(ordersDb);
        try (Connection c = ordersDb.getConnection()) {
            assertThat(real.open()).isEqualTo(1);
        }
        assertThat(real.open()).isZero();
        assertThat(ordersDb.toString()).contains("orders-db").doesNotContain("s3cr3t");
    }

    @Test
    void badCredentialsFailAtOnceWithTheDriversOwnError() {
        FlakyBackend.set("orders-db", FlakyBackend.Mode.REFUSING);
        long start = System.nanoTime();
        assertThatThrownBy(ordersDb::getConnection)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no retry delay of 1 s").isLessThan(900);
        assertThat(FlakyBackend.attempts("orders-db")).hasSize(1);
    }

    @Test
    void whileTheCircuitIsOpenJdbcCodeGetsATransientConnectionErrorAtOnce() {
        FlakyBackend.set("orders-db", FlakyBackend.Mode.REFUSING); // not retried: each call is one attempt
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(ordersDb::getConnection).isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(ordersDb::getConnection)
                .isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat(e.getCause()).isInstanceOfSatisfying(CircuitOpenException.class, open -> {
                        assertThat(open.resource()).isEqualTo("orders-db");
                        assertThat(open.nextProbe()).isNotNull();
                    });
                });
        assertThat(FlakyBackend.attempts("orders-db")).as("the open circuit spared the database").hasSize(2);
    }
}
