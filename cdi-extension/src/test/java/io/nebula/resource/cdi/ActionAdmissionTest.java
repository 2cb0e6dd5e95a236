package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An {@code @Action} naming a resource whose one instance everyone shares (a data source of global scope) has no
 * lease to bind: the method's injected data source is the shared one, and its {@code getConnection()} calls are the
 * acquisitions. So the action only checks that the resource would admit an acquisition — acquiring and metering
 * nothing when it would, refusing (and counting the refusal) when its circuit is open.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-datasource",
        "nebula.resource.orders-db.retry.max-retries=0",
        "nebula.resource.orders-db.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.orders-db.circuit-breaker.failure-ratio=1",
        "nebula.resource.orders-db.circuit-breaker.delay=10s"})
class ActionAdmissionTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Billing.class);

    @Inject
    Billing billing;

    @Inject
    ResourceStatistics statistics;

    @ApplicationScoped
    static class Billing {

        @Inject
        @NebulaResource("orders-db")
        DataSource ordersDb;

        final AtomicInteger runs = new AtomicInteger();

        @Action(resources = "orders-db")
        public void charge() {
            runs.incrementAndGet();
        }

        int runs() {
            return runs.get();
        }

        void connect() throws SQLException {
            ordersDb.getConnection().close();
        }
    }

    @Test
    void anActionOnASharedDataSourceAcquiresNothingForItself() throws SQLException {
        billing.connect(); // the resource is started, and counted one acquisition
        long before = statistics.of("orders-db").acquisitions();
        for (int i = 0; i < 3; i++) {
            billing.charge();
        }
        assertThat(billing.runs()).isEqualTo(3);
        assertThat(statistics.of("orders-db").acquisitions() - before).as("no lease the method never reads").isZero();
    }

    @Test
    void anActionOnASharedDataSourceWhoseCircuitIsOpenDoesNotRunAndTheRefusalIsCounted() {
        FlakyBackend.set("orders-db", FlakyBackend.Mode.REFUSING);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(billing::connect).isInstanceOf(SQLException.class);
        }
        long before = statistics.of("orders-db").acquisitions();
        assertThatThrownBy(billing::charge).isInstanceOf(CircuitOpenException.class);
        assertThat(billing.runs()).as("the method did not run").isZero();
        assertThat(statistics.of("orders-db").acquisitions() - before).as("the refusal, counted").isEqualTo(1);
    }
}
