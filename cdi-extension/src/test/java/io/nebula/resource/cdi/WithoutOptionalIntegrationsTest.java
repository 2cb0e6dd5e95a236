package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Run in a JVM of its own without MicroProfile Health, MicroProfile Metrics, OpenTelemetry or the HTTP
 * provider on the class path (see the pom): the extension deploys, and resources keep their fault tolerance.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-flaky",
        "nebula.resource.orders.retry.delay=10ms",
        "nebula.resource.orders.retry.jitter=0",
        "nebula.resource.orders.pool.backoff-initial=2ms",
        "nebula.resource.orders.health.interval=20ms"})
class WithoutOptionalIntegrationsTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    Resources resources;

    @Inject
    BeanManager beanManager;

    @Test
    void theOptionalApisAreReallyAbsent() {
        for (String api : new String[] {"org.eclipse.microprofile.health.HealthCheck",
                "org.eclipse.microprofile.metrics.MetricRegistry", "io.opentelemetry.api.OpenTelemetry"}) {
            assertThatThrownBy(() -> Class.forName(api)).as(api).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void theExtensionDeploysAndResourcesAreStillRetried() {
        FlakyBackend.failNext("orders", 1);
        try (Lease<TestConnection> lease = resources.acquire("orders", TestConnection.class)) {
            assertThat(lease.get().resource()).isEqualTo("orders");
        }
        assertThat(FlakyBackend.attempts("orders")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(beanManager.getBeans(Object.class).stream().map(b -> b.getBeanClass().getName()))
                .noneMatch(n -> n.contains("OpenTelemetryHolder") || n.contains("MetricRegistryHolder"));
    }
}
