package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.SharedClient;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.smallrye.config.inject.ConfigExtension;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each declared resource has a readiness and a liveness check that any MicroProfile Health implementation
 * reports (SmallRye Health here), driven by scheduled checks: UP → DOWN → UP, the cascade to dependents, and
 * quarantine after repeated failed deep checks.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-flaky",
        "nebula.resource.orders-db.pool.min-size=1",
        "nebula.resource.orders-db.pool.backoff-initial=2ms",
        "nebula.resource.orders-db.pool.backoff-max=4ms",
        "nebula.resource.orders-db.retry.max-retries=0",
        "nebula.resource.orders-db.health.interval=25ms",
        "nebula.resource.orders-db.health.depth=deep",
        "nebula.resource.orders-db.health.quarantine-after=3",
        "nebula.resource.reports.kind=test-shared",
        "nebula.resource.reports.depends-on=orders-db",
        "nebula.resource.reports.health.interval=0"})
class HealthChecksTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(NebulaWeld.container(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class)
            .addExtension(new ConfigExtension())).build();

    @Inject
    SmallRyeHealthReporter health;

    @Inject
    Resources resources;

    private Map<String, JsonObject> readiness() {
        return checks(health.getReadiness().getPayload());
    }

    private Map<String, JsonObject> liveness() {
        return checks(health.getLiveness().getPayload());
    }

    private static Map<String, JsonObject> checks(JsonObject payload) {
        return payload.getJsonArray("checks").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(c -> c.getString("name"), Function.identity()));
    }

    private static String status(JsonObject check) {
        return check.getString("status");
    }

    @Test
    @TestConfig("nebula.resource.orders-db.health.interval=0") // exact figures: no scheduled check borrows the instance
    void eachResourceHasAReadinessAndALivenessCheckWithItsFigures() {
        resources.acquire("orders-db", TestConnection.class).close();
        resources.acquire("reports", SharedClient.class).close();

        Map<String, JsonObject> ready = readiness();
        assertThat(ready).containsOnlyKeys("nebula-resource:orders-db:readiness", "nebula-resource:reports:readiness");
        JsonObject orders = ready.get("nebula-resource:orders-db:readiness");
        assertThat(status(orders)).isEqualTo("UP");
        JsonObject data = orders.getJsonObject("data");
        assertThat(data.getString("state")).isEqualTo("READY");
        assertThat(data.getString("status")).isEqualTo("UP");
        assertThat(data.getString("kind")).isEqualTo("test-flaky");
        assertThat(data.getString("circuit")).isEqualTo("closed");
        assertThat(data.getJsonNumber("size").intValue()).isGreaterThanOrEqualTo(1);
        assertThat(data.getJsonNumber("idle").intValue()).as("every instance").isEqualTo(data.getJsonNumber("size").intValue());
        assertThat(data.getJsonNumber("active").intValue()).isZero();
        assertThat(data.getJsonNumber("waiters").intValue()).isZero();
        assertThat(data.getJsonNumber("max-size").intValue()).isEqualTo(10);
        assertThat(data.getBoolean("quarantined")).isFalse();

        assertThat(liveness()).containsOnlyKeys("nebula-resource:orders-db:liveness", "nebula-resource:reports:liveness");
        assertThat(liveness().values()).allSatisfy(c -> assertThat(status(c)).isEqualTo("UP"));
    }

    @Test
    void anInstanceUnderAScheduledCheckIsNotReportedAsALease() throws Exception {
        resources.acquire("orders-db", TestConnection.class).close();
        try (FlakyBackend.HeldChecks check = FlakyBackend.holdChecks("orders-db")) {
            check.awaitHeld(); // a scheduled check has borrowed the instance and waits in the provider
            JsonObject data = readiness().get("nebula-resource:orders-db:readiness").getJsonObject("data");
            assertThat(data.getJsonNumber("active").intValue()).as("no application holds a lease").isZero();
        }
    }

    @Test
    void readinessGoesDownWithTheBackendCascadesToDependentsAndComesBack() {
        resources.acquire("orders-db", TestConnection.class).close();
        resources.acquire("reports", SharedClient.class).close();

        FlakyBackend.set("orders-db", FlakyBackend.Mode.DOWN);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, JsonObject> ready = readiness();
            assertThat(status(ready.get("nebula-resource:orders-db:readiness"))).isEqualTo("DOWN");
            JsonObject reports = ready.get("nebula-resource:reports:readiness");
            assertThat(status(reports)).as("a dependent is DEGRADED, still ready").isEqualTo("UP");
            assertThat(reports.getJsonObject("data").getString("status")).isEqualTo("DEGRADED");
            assertThat(reports.getJsonObject("data").getString("message")).isEqualTo("DEGRADED because orders-db is DOWN");
            assertThat(reports.getJsonObject("data").getString("down-dependencies")).isEqualTo("orders-db");
        });
        JsonObject down = readiness().get("nebula-resource:orders-db:readiness").getJsonObject("data");
        assertThat(down.getString("status")).isEqualTo("DOWN");
        assertThat(down.getString("message")).contains("orders-db");
        assertThat(down.getString("last-error")).startsWith("java.io.IOException: connection to orders-db refused");
        assertThat(liveness().get("nebula-resource:orders-db:liveness").getString("status"))
                .as("a backend that is down is no reason to restart the application").isEqualTo("UP");

        FlakyBackend.set("orders-db", FlakyBackend.Mode.UP);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, JsonObject> ready = readiness();
            assertThat(status(ready.get("nebula-resource:orders-db:readiness"))).isEqualTo("UP");
            assertThat(ready.get("nebula-resource:orders-db:readiness").getJsonObject("data").getString("status")).isEqualTo("UP");
            assertThat(ready.get("nebula-resource:reports:readiness").getJsonObject("data").getString("status")).isEqualTo("UP");
        });
    }

    @Test
    @TestConfig({
            "nebula.resource.routes.kind=test-flaky",
            "nebula.resource.routes.pool.strategy=weighted-round-robin",
            "nebula.resource.routes.pool.endpoints=a:1,b:1",
            "nebula.resource.routes.pool.backoff-initial=10ms",
            "nebula.resource.routes.pool.backoff-max=50ms",
            "nebula.resource.routes.health.interval=25ms"})
    void readinessShowsEachEndpointAndAnEndpointDownLeavesTheResourceReadyButDegraded() {
        FlakyBackend.set("routes@a", FlakyBackend.Mode.DOWN);
        for (int i = 0; i < 4; i++) {
            try (Lease<TestConnection> l = resources.acquire("routes", TestConnection.class)) {
                assertThat(l.get().resource()).as("served by the endpoint that is UP").isEqualTo("routes@b");
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonObject check = readiness().get("nebula-resource:routes:readiness");
            assertThat(status(check)).as("one endpoint serves: still ready").isEqualTo("UP");
            JsonObject data = check.getJsonObject("data");
            assertThat(data.getString("status")).isEqualTo("DEGRADED");
            assertThat(data.getString("state")).isEqualTo("DEGRADED");
            assertThat(data.getString("message"))
                    .isEqualTo("Resource 'routes' is degraded: java.io.IOException: connection to routes@a refused");
            assertThat(data.getString("endpoint.b")).isEqualTo("UP");
            assertThat(data.getString("endpoint.a")).startsWith("DOWN for ")
                    .endsWith("java.io.IOException: connection to routes@a refused");
        });

        FlakyBackend.set("routes@a", FlakyBackend.Mode.UP);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonObject data = readiness().get("nebula-resource:routes:readiness").getJsonObject("data");
            assertThat(data.getString("endpoint.a")).isEqualTo("UP");
            assertThat(data.getString("status")).isEqualTo("UP");
        });
    }

    @Test
    void repeatedFailedDeepChecksQuarantineTheResourceUntilACheckPasses() {
        try (LogCapture log = LogCapture.nebula()) {
            resources.acquire("orders-db", TestConnection.class).close();
            FlakyBackend.set("orders-db", FlakyBackend.Mode.DOWN);
            await().atMost(Duration.ofSeconds(5)).until(() -> readiness().get("nebula-resource:orders-db:readiness")
                    .getJsonObject("data").getBoolean("quarantined"));

            // no new lease, at once, even though the pool may still hold an idle instance
            long start = System.nanoTime();
            assertThatThrownBy(() -> resources.acquire("orders-db", TestConnection.class))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                        assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.QUARANTINED);
                        assertThat(e).hasMessageContaining("nebula.resource.orders-db.health.quarantine-after");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("NEBULA-3201", "resource=orders-db"));

            FlakyBackend.set("orders-db", FlakyBackend.Mode.UP);
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().pollInSameThread()
                    .untilAsserted(() -> resources.acquire("orders-db", TestConnection.class).close());
            assertThat(readiness().get("nebula-resource:orders-db:readiness").getJsonObject("data").getBoolean("quarantined")).isFalse();
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("NEBULA-3203", "resource=orders-db"));
        }
    }

    @Test
    void aResourceNotYetUsedIsReportedWithoutStartingIt() {
        JsonObject orders = readiness().get("nebula-resource:orders-db:readiness");
        assertThat(status(orders)).isEqualTo("UP");
        assertThat(orders.getJsonObject("data").getString("state")).isEqualTo("CREATED");
        assertThat(FlakyBackend.attempts("orders-db")).as("reporting does not call the backend").isEmpty();
    }

    @Test
    void aClosedResourceIsNotReadyNorLive() {
        try (Lease<TestConnection> lease = resources.acquire("orders-db", TestConnection.class)) {
            assertThat(lease.isOpen()).isTrue();
        }
        weld.getBeanManager().getExtension(NebulaExtension.class).runtime().resource("orders-db").pools().close();
        assertThat(status(readiness().get("nebula-resource:orders-db:readiness"))).isEqualTo("DOWN");
        assertThat(status(liveness().get("nebula-resource:orders-db:liveness"))).isEqualTo("DOWN");
    }
}
