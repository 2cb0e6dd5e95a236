package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code start=eager} proves a resource at application start by creating and checking an instance. A backend that
 * is down then is logged ({@code NEBULA-1005}), reported DOWN, and found again in the background within a second or
 * two of its return, with no use and no scheduled check ({@code health.interval=0}).
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.orders-db.kind=test-counter",
        "nebula.resource.orders-db.start=eager",
        "nebula.resource.orders-db.health.interval=0",
        "nebula.resource.cache.kind=test-shared",
        "nebula.resource.cache.start=eager",
        "nebula.resource.cache.health.interval=0"})
class EagerStartTest {

    @Test
    void anEagerResourceCreatesAndChecksAnInstanceAtStart() {
        try (WeldContainer container = NebulaWeld.container().initialize()) {
            assertThat(TestBackend.log("create:")).containsExactlyInAnyOrder("create:orders-db", "create:cache");
            Resources resources = container.select(Resources.class).get();
            assertThat(resources.find("orders-db").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.UP);
        }
    }

    @Test
    void aBackendDownAtStartIsLoggedReportedDownAndRecoveredInTheBackground() {
        TestBackend.down("orders-db");
        TestBackend.down("cache");
        try (LogCapture log = LogCapture.nebula(); WeldContainer container = NebulaWeld.container().initialize()) {
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("NEBULA-1005").contains("orders-db")
                    .contains("backend of orders-db is down"));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("NEBULA-1005").contains("cache"));
            Resources resources = container.select(Resources.class).get();
            assertThat(resources.find("orders-db").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.DOWN);
            assertThat(resources.find("cache").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.DOWN);

            TestBackend.up("orders-db");
            TestBackend.up("cache");
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(resources.find("orders-db").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.UP);
                assertThat(resources.find("cache").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.UP);
            });
            assertThat(TestBackend.log("create:")).contains("create:orders-db", "create:cache");
        }
    }
}
