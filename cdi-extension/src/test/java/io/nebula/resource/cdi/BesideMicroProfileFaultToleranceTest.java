package io.nebula.resource.cdi;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.cdi.integration.faulttolerance.FaultToleranceLibrary;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.smallrye.config.inject.ConfigExtension;
import io.smallrye.faulttolerance.FaultToleranceExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that uses MicroProfile Fault Tolerance itself (SmallRye FT's CDI implementation, as on Quarkus
 * or WildFly): its {@code @Retry} keeps working beside the resources' guards, which then run on that same
 * implementation. Runs in its own JVM, with {@code io.smallrye:smallrye-fault-tolerance} on the class path.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-datasource",
        "nebula.resource.orders-db.retry.delay=10ms",
        "nebula.resource.orders-db.retry.jitter=0"})
class BesideMicroProfileFaultToleranceTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(NebulaWeld.container(PaymentGateway.class)
            .addExtension(new ConfigExtension()).addExtension(new FaultToleranceExtension())).build();

    @Inject
    PaymentGateway gateway;

    @Inject
    @NebulaResource("orders-db")
    DataSource ordersDb;

    @ApplicationScoped
    public static class PaymentGateway {
        final AtomicInteger calls = new AtomicInteger();

        @Retry(maxRetries = 3, delay = 10)
        public String charge() {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("gateway busy");
            }
            return "charged";
        }

        int calls() {
            return calls.get();
        }
    }

    @Test
    void theApplicationsRetryWorksBesideTheResourcesGuards() throws Exception {
        FlakyBackend.failNext("orders-db", 1);
        try (Connection c = ordersDb.getConnection()) {
            assertThat(c).isNotNull();
        }
        assertThat(FlakyBackend.attempts("orders-db")).as("the resource's own retry").hasSize(2);

        assertThat(gateway.charge()).isEqualTo("charged");
        assertThat(gateway.calls()).as("the application's @Retry").isEqualTo(3);
        assertThat(FaultToleranceLibrary.implementation()).isEqualTo("io.smallrye.faulttolerance.CdiSpi");
    }
}
