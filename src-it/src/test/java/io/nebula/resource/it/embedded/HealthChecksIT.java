package io.nebula.resource.it.embedded;

import io.nebula.resource.Resources;
import io.nebula.resource.it.support.Archives;
import io.nebula.resource.it.support.Channel;
import io.nebula.resource.it.support.ChannelBackend;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The extension's per-resource MicroProfile Health checks on the embedded containers (Weld, OpenWebBeans), read
 * from SmallRye Health's reporter, the same implementation an application on them would add: a readiness and a
 * liveness check per resource; a resource whose backend goes down is not ready but alive, and ready again when
 * the backend is back. On Open Liberty, {@code liberty/ObservabilityIT} reads the same checks from the server's
 * {@code /health}.
 */
@ExtendWith(ArquillianExtension.class)
class HealthChecksIT {

    @Deployment
    static WebArchive application() {
        return Archives.application("health-checks", """
                        nebula.resource.ledger.kind=it-channel
                        nebula.resource.vault.kind=it-channel
                        nebula.resource.vault.start=eager
                        nebula.resource.vault.pool.min-size=1
                        nebula.resource.vault.health.interval=50ms
                        """,
                HealthChecksIT.class, SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class);
    }

    @Inject
    SmallRyeHealthReporter health;

    @Inject
    Resources resources;

    @Test
    void eachResourceHasAReadinessAndALivenessCheck() {
        ChannelBackend.reset();
        Map<String, JsonObject> ready = checks(health.getReadiness());
        Map<String, JsonObject> live = checks(health.getLiveness());

        assertThat(ready).containsKeys("nebula-resource:ledger:readiness", "nebula-resource:vault:readiness");
        assertThat(live).containsKeys("nebula-resource:ledger:liveness", "nebula-resource:vault:liveness");
        for (JsonObject check : ready.values()) {
            assertThat(check.getString("status")).as(check.toString()).isEqualTo("UP");
            assertThat(check.getJsonObject("data").getString("kind")).isEqualTo("it-channel");
        }
        assertThat(ready.get("nebula-resource:vault:readiness").getJsonObject("data").getString("state"))
                .as("started with the application").isEqualTo("READY");
        assertThat(live.values()).allSatisfy(c -> assertThat(c.getString("status")).isEqualTo("UP"));
    }

    @Test
    void aResourceWhoseBackendIsDownIsNotReadyButStillAlive() {
        ChannelBackend.reset();
        try (var lease = resources.acquire("vault", Channel.class)) {
            assertThat(lease.get().resource()).isEqualTo("vault");
        }
        try {
            ChannelBackend.down("vault");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonObject vault = checks(health.getReadiness()).get("nebula-resource:vault:readiness");
                assertThat(vault.getString("status")).isEqualTo("DOWN");
                assertThat(vault.getJsonObject("data").toString()).as("why, as the provider said")
                        .containsAnyOf("backend down", "refuses connections");
            });
            assertThat(checks(health.getLiveness()).get("nebula-resource:vault:liveness").getString("status"))
                    .as("a backend that is down is no reason to restart the application").isEqualTo("UP");
            assertThat(checks(health.getReadiness()).get("nebula-resource:ledger:readiness").getString("status"))
                    .as("another resource is not affected").isEqualTo("UP");
        } finally {
            ChannelBackend.up("vault");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                checks(health.getReadiness()).get("nebula-resource:vault:readiness").getString("status")).isEqualTo("UP"));
    }

    private static Map<String, JsonObject> checks(SmallRyeHealth report) {
        return report.getPayload().getJsonArray("checks").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(c -> c.getString("name"), Function.identity()));
    }
}
