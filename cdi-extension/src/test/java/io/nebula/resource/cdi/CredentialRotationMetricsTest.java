package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.cdi.testing.TestTelemetry;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A credential that changes at its source is counted as a rotation, in OpenTelemetry and in MicroProfile
 * Metrics alike, tagged with the resource: operators see when a secret was rotated without reading the
 * audit trail.
 */
@ExtendWith(TestTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.vault.kind=test-counter",
        "nebula.resource.vault.credentials.source=directory",
        "nebula.resource.vault.credentials.directory=${nebula.test.rotation-secrets}",
        "nebula.resource.vault.credentials.refresh-interval=50ms"})
class CredentialRotationMetricsTest {

    private static Path secrets;

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(MetricRegistryProducer.class, TestTelemetry.Producer.class);

    @Inject
    Resources resources;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @BeforeAll
    static void mountSecrets() throws IOException {
        secrets = Files.createTempDirectory("nebula-rotation");
        Files.writeString(secrets.resolve("password"), "Before-Rotation\n");
        System.setProperty("nebula.test.rotation-secrets", secrets.toString());
    }

    @AfterAll
    static void unmountSecrets() throws IOException {
        System.clearProperty("nebula.test.rotation-secrets");
        Files.deleteIfExists(secrets.resolve("password"));
        Files.delete(secrets);
    }

    @AfterEach
    void dropRegistries() {
        SharedMetricRegistries.dropAll();
    }

    @Test
    void aRotationIsCountedInBothMetricBackends() throws IOException {
        MetricID rotations = new MetricID("nebula.resource.credential.rotations",
                new Tag("resource", "vault"), new Tag("tenant", "none"));
        try (Lease<TestConnection> lease = resources.acquire("vault", TestConnection.class)) {
            assertThat(lease.isOpen()).isTrue();
            assertThat(otelRotations()).isZero();
            // replaced in one step, as Kubernetes swaps a Secret's files: written in place, a re-read between the
            // truncation and the write saw an empty password, a rotation of its own, and the count went to 2
            Path next = Files.writeString(secrets.resolve(".password.next"), "After-Rotation\n");
            Files.move(next, secrets.resolve("password"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(10)).until(() -> otelRotations() == 1);
        }
        Counter counted = registry.getCounters().get(rotations);
        assertThat(counted).as("MicroProfile Metrics counter %s", rotations).isNotNull();
        assertThat(counted.getCount()).isEqualTo(1);
    }

    private static long otelRotations() {
        return TestTelemetry.metrics().stream()
                .filter(d -> d.getName().equals("nebula.resource.credential.rotations"))
                .map(MetricData::getLongSumData)
                .flatMap(d -> d.getPoints().stream())
                .filter(p -> "vault".equals(p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("resource"))))
                .mapToLong(LongPointData::getValue).sum();
    }
}
