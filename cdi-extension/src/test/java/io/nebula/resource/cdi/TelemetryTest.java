package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.cdi.testing.TestTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Spans and metrics of every resource through the application's OpenTelemetry (an SDK with an in-memory span
 * exporter and metric reader, offered as a CDI bean as MP Telemetry does): names, parents and attributes.
 */
@ExtendWith(TestTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-flaky",
        "nebula.resource.orders.pool.acquire-timeout=5s",
        "nebula.resource.orders.pool.max-size=1",
        "nebula.resource.orders.retry.max-retries=0",
        "nebula.resource.orders.health.interval=20ms",
        "nebula.resource.vault.kind=test-flaky",
        "nebula.resource.vault.retry.max-retries=0",
        "nebula.resource.orders-db.kind=test-datasource"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class TelemetryTest {

    static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(NebulaWeld.container(TestTelemetry.Producer.class)).build();

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Inject
    @NebulaResource("orders-db")
    DataSource ordersDb;

    private static SpanData span(String name) {
        return TestTelemetry.spans().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + TestTelemetry.spans()));
    }

    @Test
    void eachAcquisitionIsASpanChildOfTheCurrentOneWithWhoAsked() {
        Span parent = TestTelemetry.openTelemetry().getTracer("test").spanBuilder("process payments").startSpan();
        try (Scope ignored = parent.makeCurrent();
             ScopeHandle s = contexts.enter("acme", "billing", "run-42", "charge")) {
            resources.acquire("orders", TestConnection.class).close();
        } finally {
            parent.end();
        }

        SpanData acquire = span("nebula.resource.acquire orders");
        assertThat(acquire.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(acquire.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
        Attributes a = acquire.getAttributes();
        assertThat(a.get(RESOURCE)).isEqualTo("orders");
        assertThat(a.get(AttributeKey.stringKey("kind"))).isEqualTo("test-flaky");
        assertThat(a.get(TENANT)).isEqualTo("acme");
        assertThat(a.get(AttributeKey.stringKey("workflow"))).isEqualTo("billing");
        assertThat(a.get(AttributeKey.stringKey("execution"))).isEqualTo("run-42");
        assertThat(a.get(AttributeKey.stringKey("action"))).isEqualTo("charge");
        assertThat(a.get(OUTCOME)).isEqualTo("success");
        assertThat(acquire.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        // the instance was created during the acquisition on a creator thread: a span of its own, in no trace of the caller's
        SpanData create = span("nebula.resource.create orders");
        assertThat(create.getAttributes().get(OUTCOME)).isEqualTo("success");
        assertThat(create.getEndEpochNanos()).isGreaterThanOrEqualTo(create.getStartEpochNanos());
    }

    @Test
    void aFailedAcquisitionAReleaseWithErrorAndAHealthCheckAreSpansToo() {
        FlakyBackend.set("vault", FlakyBackend.Mode.REFUSING);
        assertThatThrownBy(() -> resources.acquire("vault", TestConnection.class)).isInstanceOf(AcquisitionTimeoutException.class);
        SpanData failed = span("nebula.resource.acquire vault");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(OUTCOME)).isEqualTo("unavailable");
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("io.nebula.resource.cdi.testing.AuthenticationFailedException");

        Lease<TestConnection> lease = resources.acquire("orders", TestConnection.class);
        lease.invalidate();
        SpanData release = span("nebula.resource.release orders");
        assertThat(release.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(release.getAttributes().get(OUTCOME)).isEqualTo("invalidated");

        await().atMost(Duration.ofSeconds(5)).until(() -> TestTelemetry.spans().stream()
                .anyMatch(s -> s.getName().equals("nebula.resource.health orders")));
        assertThat(span("nebula.resource.health orders").getAttributes().get(OUTCOME)).isEqualTo("up");
    }

    @Test
    void aDataSourcesConnectionsAreAcquisitionsOfTheResource() throws Exception {
        Attributes success = Attributes.of(RESOURCE, "orders-db", OUTCOME, "success");
        long before = sum("nebula.resource.acquisitions", success); // injecting it took the shared instance: one lease
        int spansBefore = TestTelemetry.spans().size();
        try (Connection c = ordersDb.getConnection()) {
            assertThat(c).isNotNull();
        }
        assertThat(TestTelemetry.spans().subList(spansBefore, TestTelemetry.spans().size()))
                .singleElement().satisfies(s -> {
                    assertThat(s.getName()).isEqualTo("nebula.resource.acquire orders-db");
                    assertThat(s.getAttributes().get(OUTCOME)).isEqualTo("success");
                });
        assertThat(sum("nebula.resource.acquisitions", success)).isEqualTo(before + 1);
    }

    @Test
    void everyMetricIsReportedWithItsAttributes() {
        try (ScopeHandle s = contexts.enter("acme", null, null, null)) {
            Collection<MetricData> whileHeld;
            try (Lease<TestConnection> held = resources.acquire("orders", TestConnection.class)) {
                // the pool holds one instance and it is out: this acquisition times out
                assertThatThrownBy(() -> resources.acquire("orders", TestConnection.class, Duration.ofMillis(100)))
                        .isInstanceOf(AcquisitionTimeoutException.class);
                assertThat(held.isOpen()).isTrue();
                whileHeld = TestTelemetry.metrics();
            }
            assertThat(gauge(whileHeld, "nebula.resource.active", "orders")).isEqualTo(1);
            assertThat(gauge(whileHeld, "nebula.resource.idle", "orders")).isEqualTo(0);
            assertThat(gauge(whileHeld, "nebula.resource.pending", "orders")).isEqualTo(0);
            assertThat(gauge(whileHeld, "nebula.resource.pool.utilization", "orders")).isEqualTo(1.0);
            assertThat(gauge(whileHeld, "nebula.resource.health.score", "orders")).isEqualTo(1.0);
            assertThat(gauge(whileHeld, "nebula.resource.circuit.state", "orders")).isEqualTo(0);
            assertThat(gauge(whileHeld, "nebula.resource.anomaly", "orders")).isEqualTo(0);
        }
        FlakyBackend.set("vault", FlakyBackend.Mode.DOWN);
        assertThatThrownBy(() -> resources.acquire("vault", TestConnection.class)).isInstanceOf(AcquisitionTimeoutException.class);

        Collection<MetricData> metrics = TestTelemetry.metrics();
        Map<String, MetricData> byName = metrics.stream().collect(Collectors.toMap(MetricData::getName, m -> m, (a, b) -> a));
        assertThat(byName).containsKeys("nebula.resource.acquisitions", "nebula.resource.acquisition.duration",
                "nebula.resource.active", "nebula.resource.idle", "nebula.resource.pending",
                "nebula.resource.pool.utilization", "nebula.resource.errors", "nebula.resource.health.score",
                "nebula.resource.circuit.state", "nebula.resource.creation.duration", "nebula.resource.timeouts",
                "nebula.resource.anomaly");

        assertThat(sum("nebula.resource.acquisitions", Attributes.of(RESOURCE, "orders", TENANT, "acme", OUTCOME, "success")))
                .isEqualTo(1);
        assertThat(sum("nebula.resource.acquisitions", Attributes.of(RESOURCE, "orders", TENANT, "acme", OUTCOME, "exhausted")))
                .isEqualTo(1);
        assertThat(sum("nebula.resource.acquisitions", Attributes.of(RESOURCE, "vault", OUTCOME, "unavailable")))
                .isEqualTo(1);
        assertThat(sum("nebula.resource.timeouts", Attributes.of(RESOURCE, "orders", TENANT, "acme"))).isEqualTo(1);
        assertThat(sum("nebula.resource.errors", Attributes.of(RESOURCE, "vault",
                AttributeKey.stringKey("error.type"), "java.io.IOException"))).isGreaterThanOrEqualTo(1);
        // the histogram holds the acquisitions that were not pool hits: the one that waited 100 ms for the held
        // instance is there; the success may or may not be (a creation inside one tick of the coarse clock is a hit)
        assertThat(count("nebula.resource.acquisition.duration",
                Attributes.of(RESOURCE, "orders", TENANT, "acme", OUTCOME, "exhausted"))).isEqualTo(1);
        assertThat(count("nebula.resource.acquisition.duration",
                Attributes.of(RESOURCE, "orders", TENANT, "acme", OUTCOME, "success"))).isBetween(0L, 1L);
        assertThat(count("nebula.resource.creation.duration", Attributes.of(RESOURCE, "orders"))).isEqualTo(1);
    }

    private static double gauge(Collection<MetricData> metrics, String name, String resource) {
        MetricData m = metrics.stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
        List<? extends PointData> points = m.getData().getPoints().stream()
                .filter(p -> resource.equals(p.getAttributes().get(RESOURCE))).toList();
        assertThat(points).as(name + " of " + resource).hasSize(1);
        PointData p = points.get(0);
        return p instanceof io.opentelemetry.sdk.metrics.data.LongPointData l ? l.getValue()
                : ((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue();
    }

    private static long sum(String name, Attributes attributes) {
        return TestTelemetry.metrics().stream().filter(d -> d.getName().equals(name))
                .flatMap(d -> d.getLongSumData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(io.opentelemetry.sdk.metrics.data.LongPointData::getValue).sum();
    }

    private static long count(String name, Attributes attributes) {
        return TestTelemetry.metrics().stream().filter(d -> d.getName().equals(name))
                .flatMap(d -> d.getHistogramData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(io.opentelemetry.sdk.metrics.data.HistogramPointData::getCount).sum();
    }
}
