package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.cdi.testing.TestTelemetry;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lease that a down resource's {@code fallback} served: its acquisition span names the fallback and has the
 * fallback's span as its child, and {@code nebula.resource.fallbacks} counts it with the resource's error.
 */
@ExtendWith(TestTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.primary.kind=test-flaky",
        "nebula.resource.primary.retry.max-retries=0",
        "nebula.resource.primary.fallback=standby",
        "nebula.resource.standby.kind=test-flaky"})
class FallbackTelemetryTest {

    private static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("nebula.resource.fallback");

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(NebulaWeld.container(TestTelemetry.Producer.class)).build();

    @Inject
    Resources resources;

    @AfterEach
    void backUp() {
        FlakyBackend.reset();
    }

    @Test
    void theSpanNamesTheFallbackAndTheCounterCountsIt() {
        FlakyBackend.set("primary", FlakyBackend.Mode.DOWN);

        try (Lease<TestConnection> lease = resources.acquire("primary", TestConnection.class)) {
            assertThat(lease.resource()).isEqualTo("standby");
        }

        SpanData primary = span("nebula.resource.acquire primary");
        SpanData standby = span("nebula.resource.acquire standby");
        assertThat(primary.getAttributes().get(FALLBACK)).isEqualTo("standby");
        assertThat(primary.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("success");
        assertThat(standby.getParentSpanId()).as("the fallback's acquisition is the child")
                .isEqualTo(primary.getSpanContext().getSpanId());
        assertThat(standby.getAttributes().get(FALLBACK)).isNull();

        LongPointData counted = TestTelemetry.metrics().stream()
                .filter(m -> m.getName().equals("nebula.resource.fallbacks"))
                .map(MetricData::getLongSumData).flatMap(s -> s.getPoints().stream()).findFirst().orElseThrow();
        assertThat(counted.getValue()).isEqualTo(1);
        assertThat(counted.getAttributes().get(AttributeKey.stringKey("resource"))).isEqualTo("primary");
        assertThat(counted.getAttributes().get(FALLBACK)).isEqualTo("standby");
        assertThat(counted.getAttributes().get(AttributeKey.stringKey("error.type")))
                .as("the resource's error, as error.type reads it").isEqualTo("java.io.IOException");
    }

    private static SpanData span(String name) {
        return TestTelemetry.spans().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + TestTelemetry.spans()));
    }
}
