package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.cdi.testing.TestTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.smallrye.metrics.MetricRegistryProducer;
import io.smallrye.metrics.SharedMetricRegistries;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lease held past {@code pool.leak-threshold} is counted in {@code nebula.resource.errors} with
 * {@code error.type=leak} (docs/observability.md), with the resource and the tenant that held it, in OpenTelemetry
 * and in MicroProfile Metrics ({@code error_type}, tenant {@code none} outside a tenant) alike; once per lease,
 * however many housekeeping passes see it still held.
 */
@ExtendWith(TestTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.leaky.kind=test-counter",
        "nebula.resource.leaky.pool.leak-threshold=50ms",
        "nebula.resource.leaky.pool.housekeeping-interval=20ms"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class LeakMetricsTest {

    private static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final Attributes ACME_LEAK = Attributes.of(RESOURCE, "leaky", TENANT, "acme", ERROR_TYPE, "leak");
    private static final Attributes NO_TENANT_LEAK = Attributes.of(RESOURCE, "leaky", ERROR_TYPE, "leak");

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(MetricRegistryProducer.class, TestTelemetry.Producer.class);

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

    @Test
    void aLeakIsCountedOnceWithItsResourceAndTenantInBothMetricBackends() {
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "forgetful")) {
            Lease<TestConnection> held = resources.acquire("leaky", TestConnection.class);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> otelErrors().getOrDefault(ACME_LEAK, 0L) == 1);
            } finally {
                held.close();
            }
        }
        // a second leak, outside any tenant: by the time it is counted, housekeeping has seen the first lease held
        // past the threshold again and again, and counted it once
        Lease<TestConnection> held = resources.acquire("leaky", TestConnection.class);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> otelErrors().getOrDefault(NO_TENANT_LEAK, 0L) == 1);
        } finally {
            held.close();
        }

        assertThat(otelErrors()).as("every nebula.resource.errors point, by its attributes; the workflow, execution"
                + " and action are no attributes of a metric").containsExactlyInAnyOrderEntriesOf(
                Map.of(ACME_LEAK, 1L, NO_TENANT_LEAK, 1L));

        assertThat(mpErrors()).as("the tags of the MicroProfile Metrics counters named nebula.resource.errors")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        Map.of("resource", "leaky", "tenant", "acme", "error_type", "leak"), 1L,
                        Map.of("resource", "leaky", "tenant", "none", "error_type", "leak"), 1L));
    }

    /** The OpenTelemetry points of {@code nebula.resource.errors}, by their attributes. */
    private static Map<Attributes, Long> otelErrors() {
        return TestTelemetry.metrics().stream()
                .filter(d -> d.getName().equals("nebula.resource.errors"))
                .map(MetricData::getLongSumData)
                .flatMap(d -> d.getPoints().stream())
                .collect(Collectors.toMap(LongPointData::getAttributes, LongPointData::getValue, Long::sum));
    }

    /** The MicroProfile Metrics counters named {@code nebula.resource.errors}, by their tags. */
    private Map<Map<String, String>, Long> mpErrors() {
        return registry.getCounters().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("nebula.resource.errors"))
                .collect(Collectors.toMap(e -> e.getKey().getTags(), e -> e.getValue().getCount()));
    }
}
