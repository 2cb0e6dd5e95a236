package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.smallrye.metrics.MetricRegistryProducer;
import io.smallrye.metrics.SharedMetricRegistries;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With MicroProfile Metrics, a fallback is counted in {@code nebula.resource.fallbacks}, tagged as documented. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.primary.kind=test-flaky",
        "nebula.resource.primary.retry.max-retries=0",
        "nebula.resource.primary.fallback=standby",
        "nebula.resource.standby.kind=test-flaky"})
class FallbackMetricsTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(MetricRegistryProducer.class);

    @Inject
    Resources resources;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @AfterEach
    void reset() {
        SharedMetricRegistries.dropAll();
        FlakyBackend.reset();
    }

    @Test
    void eachFallbackIsCountedWithTheResourceTheFallbackAndTheError() {
        FlakyBackend.set("primary", FlakyBackend.Mode.DOWN);
        for (int i = 0; i < 2; i++) {
            try (Lease<TestConnection> lease = resources.acquire("primary", TestConnection.class)) {
                assertThat(lease.resource()).isEqualTo("standby");
            }
        }

        Counter fallbacks = registry.getCounters().get(new MetricID("nebula.resource.fallbacks", new Tag("resource", "primary"),
                new Tag("tenant", "none"), new Tag("fallback", "standby"), new Tag("error_type", "java.io.IOException")));
        assertThat(fallbacks).as("counters: " + registry.getCounters().keySet()).isNotNull();
        assertThat(fallbacks.getCount()).isEqualTo(2);
    }
}
