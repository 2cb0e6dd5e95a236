package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.smallrye.metrics.MetricRegistryProducer;
import io.smallrye.metrics.SharedMetricRegistries;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With MicroProfile Metrics present (SmallRye Metrics 5, the registry behind {@code /metrics} where OpenTelemetry
 * meters do not appear), every resource's figures are registered in the application registry, tagged with
 * resource and tenant.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-flaky",
        "nebula.resource.orders.pool.acquire-timeout=5s",
        "nebula.resource.orders.pool.max-size=1",
        "nebula.resource.orders.retry.max-retries=0",
        "nebula.resource.vault.kind=test-flaky",
        "nebula.resource.vault.retry.max-retries=0"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class MicroProfileMetricsTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(MetricRegistryProducer.class);

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @AfterEach
    void dropRegistries() {
        SharedMetricRegistries.dropAll();
    }

    private static MetricID id(String name, String... tags) {
        Tag[] t = new Tag[tags.length / 2];
        for (int i = 0; i < t.length; i++) {
            t[i] = new Tag(tags[2 * i], tags[2 * i + 1]);
        }
        return new MetricID(name, t);
    }

    @Test
    void everyResourceIsInTheApplicationRegistry() {
        try (ScopeHandle s = contexts.enter("acme", null, null, null)) {
            try (Lease<TestConnection> held = resources.acquire("orders", TestConnection.class)) {
                assertThat(held.isOpen()).isTrue();
                assertThatThrownBy(() -> resources.acquire("orders", TestConnection.class, Duration.ofMillis(100)))
                        .isInstanceOf(AcquisitionTimeoutException.class);
                Gauge<?> active = registry.getGauges().get(id("nebula.resource.active", "resource", "orders", "tenant", "none"));
                assertThat(active).as("gauges: " + registry.getGauges().keySet()).isNotNull();
                assertThat(active.getValue().intValue()).isEqualTo(1);
                assertThat(registry.getGauges().get(id("nebula.resource.pool.utilization", "resource", "orders", "tenant", "none"))
                        .getValue().doubleValue()).isEqualTo(1.0);
            }
        }
        FlakyBackend.set("vault", FlakyBackend.Mode.DOWN);
        assertThatThrownBy(() -> resources.acquire("vault", TestConnection.class)).isInstanceOf(AcquisitionTimeoutException.class);

        Counter success = registry.getCounters().get(id("nebula.resource.acquisitions", "resource", "orders", "tenant", "acme",
                "outcome", "success"));
        assertThat(success).as("counters: " + registry.getCounters().keySet()).isNotNull();
        assertThat(success.getCount()).isEqualTo(1);
        assertThat(registry.getCounters().get(id("nebula.resource.acquisitions", "resource", "orders", "tenant", "acme",
                "outcome", "exhausted")).getCount()).isEqualTo(1);
        assertThat(registry.getCounters().get(id("nebula.resource.timeouts", "resource", "orders", "tenant", "acme"))
                .getCount()).isEqualTo(1);
        assertThat(registry.getCounters().get(id("nebula.resource.acquisitions", "resource", "vault", "tenant", "none",
                "outcome", "unavailable")).getCount()).isEqualTo(1);
        assertThat(registry.getCounters().get(id("nebula.resource.errors", "resource", "vault", "tenant", "none",
                "error_type", "java.io.IOException")).getCount()).isGreaterThanOrEqualTo(1);
        Timer duration = registry.getTimers().get(id("nebula.resource.acquisition.duration", "resource", "orders", "tenant", "acme"));
        assertThat(duration.getCount()).isEqualTo(2);
        assertThat(registry.getTimers().get(id("nebula.resource.creation.duration", "resource", "orders", "tenant", "none"))
                .getCount()).isEqualTo(1);
        for (String gauge : new String[] {"nebula.resource.idle", "nebula.resource.pending", "nebula.resource.health.score",
                "nebula.resource.circuit.state", "nebula.resource.anomaly"}) {
            assertThat(registry.getGauges()).containsKey(id(gauge, "resource", "orders", "tenant", "none"));
        }
        assertThat(registry.getGauges().get(id("nebula.resource.health.score", "resource", "orders", "tenant", "none"))
                .getValue().doubleValue()).isEqualTo(1.0);
    }
}
