package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.ResourceException;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.cdi.testing.TestTelemetry;
import io.smallrye.config.inject.ConfigExtension;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealthReporter;
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
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * No secret value appears in any span, metric, health response or log record: a resource configured with a
 * password is driven through failures (bad credentials, a backend down, an open circuit, failed health checks)
 * and everything the application can see is collected and searched for it.
 */
@ExtendWith(TestTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-flaky",
        "nebula.resource.orders-db.password=" + SecretsTest.PASSWORD,
        "nebula.resource.orders-db.api-token=" + SecretsTest.TOKEN,
        "nebula.resource.orders-db.pool.backoff-initial=2ms",
        "nebula.resource.orders-db.retry.delay=5ms",
        "nebula.resource.orders-db.retry.jitter=0",
        "nebula.resource.orders-db.circuit-breaker.request-volume-threshold=4",
        "nebula.resource.orders-db.circuit-breaker.delay=50ms",
        "nebula.resource.orders-db.health.interval=20ms",
        "nebula.resource.orders-db.health.depth=deep",
        // a careless driver that repeats the password in its errors: the weaving still shows none of it
        "nebula.resource.echo-db.kind=test-flaky",
        "nebula.resource.echo-db.echo-secret=true",
        "nebula.resource.echo-db.password=" + SecretsTest.PASSWORD,
        "nebula.resource.echo-db.retry.max-retries=0",
        "nebula.resource.echo-db.pool.backoff-initial=2ms",
        "nebula.resource.echo-db.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.echo-db.health.interval=20ms"})
class SecretsTest {

    static final String PASSWORD = "Hunter2-Kx9-pw";
    static final String TOKEN = "tok-7Qz-Zebra";

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(NebulaWeld.container(TestTelemetry.Producer.class, SmallRyeHealthReporter.class,
            AsyncHealthCheckFactory.class, MetricRegistryProducer.class).addExtension(new ConfigExtension())).build();

    @Inject
    Resources resources;

    @Inject
    SmallRyeHealthReporter health;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @AfterEach
    void dropRegistries() {
        SharedMetricRegistries.dropAll();
    }

    @Test
    void noSecretReachesSpansMetricsHealthOrLogs() {
        List<String> seen = new ArrayList<>();
        try (LogCapture all = LogCapture.of("")) {
            // the backend fails from the start: no instance is ever idle in the pool to be handed out
            for (FlakyBackend.Mode mode : new FlakyBackend.Mode[] {FlakyBackend.Mode.REFUSING, FlakyBackend.Mode.DOWN}) {
                FlakyBackend.set("orders-db", mode);
                for (int i = 0; i < 6; i++) { // enough to open the circuit, then be refused by it
                    failToAcquire("orders-db", seen);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> health.getReadiness().getPayload().toString().contains("DOWN"));
                seen.add(health.getHealth().getPayload().toString());
            }
            FlakyBackend.set("echo-db", FlakyBackend.Mode.REFUSING);
            for (int i = 0; i < 3; i++) {
                // the exception thrown to the caller carries the driver's error as the driver wrote it: not collected
                failToAcquire("echo-db", new ArrayList<>());
            }
            seen.add(health.getHealth().getPayload().toString());

            for (LogRecord r : all.records()) {
                if (r.getLoggerName() != null && r.getLoggerName().startsWith("io.nebula.resource.core")
                        && r.getMessage().contains("echo-db")) {
                    continue; // the engine logs the provider's error as the provider wrote it; the weaving's records follow
                }
                seen.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
                        + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }
        }
        TestTelemetry.spans().forEach(s -> seen.add(s.toString()));
        TestTelemetry.metrics().forEach(m -> seen.add(m.toString()));
        registry.getMetrics().forEach((id, m) -> seen.add(id.toString()));

        assertThat(seen).as("what was collected").hasSizeGreaterThan(20);
        assertThat(String.join("\n", seen)).as("spans, metrics, health and log records")
                .contains("orders-db").contains("echo-db").contains("NEBULA-3107")
                .doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }

    private void failToAcquire(String resource, List<String> seen) {
        assertThatThrownBy(() -> resources.acquire(resource, TestConnection.class))
                .isInstanceOf(ResourceException.class)
                .satisfies(e -> seen.add(e instanceof AcquisitionTimeoutException ? e.getMessage() : e.toString()));
    }
}
