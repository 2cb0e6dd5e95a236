package io.nebula.resource.it.scenarios;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MicroProfile Health on Quarkus: each resource's readiness and liveness check is in {@code /q/health}, and a resource
 * whose backend is down (a PostgreSQL URL where nothing listens; started with the application) is not ready while
 * still alive.
 */
@QuarkusTest
@TestProfile(HealthQuarkusTest.Own.class)
class HealthQuarkusTest {

    /** The scenario resources, and one more whose database is unreachable. */
    public static class Own implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nebula.resource.archive-db.kind", "postgresql",
                    "nebula.resource.archive-db.url", "jdbc:postgresql://127.0.0.1:1/archive",
                    "nebula.resource.archive-db.pool.acquire-timeout", "200ms",
                    "nebula.resource.archive-db.start", "eager",
                    "nebula.resource.archive-db.health.interval", "200ms");
        }
    }

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @TestHTTPResource("/q/health/live")
    URL liveness;

    @Test
    void eachResourceHasItsOwnReadinessAndLivenessCheck() throws Exception {
        String ready = get(readiness);
        assertThat(ready).contains("\"nebula-resource:orders-db:readiness\"", "\"nebula-resource:ledger-db:readiness\"",
                "\"nebula-resource:cache:readiness\"", "\"nebula-resource:jobs:readiness\"");
        assertThat(get(liveness)).contains("\"nebula-resource:orders-db:liveness\"", "\"nebula-resource:cache:liveness\"");
    }

    @Test
    void aResourceWhoseBackendIsDownIsNotReadyButStillAlive() throws Exception {
        String ready = get(readiness);
        assertThat(ready).contains("\"status\": \"DOWN\"");
        assertThat(check(ready, "archive-db:readiness")).contains("\"status\": \"DOWN\"");
        assertThat(check(ready, "orders-db:readiness")).contains("\"status\": \"UP\"");
        assertThat(check(get(liveness), "archive-db:liveness")).contains("\"status\": \"UP\"");
    }

    /** The JSON of one check: from its name to the next check's. */
    private static String check(String health, String name) {
        int at = health.indexOf("\"nebula-resource:" + name + "\"");
        assertThat(at).as(name + " in " + health).isNotNegative();
        int next = health.indexOf("\"name\"", at + 1);
        return health.substring(at, next < 0 ? health.length() : next);
    }

    private static String get(URL url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
