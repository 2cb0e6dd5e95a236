package io.nebula.resource.sample.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample as its users run it: a real Open Liberty started by the build ({@code nebulaSampleIT}). */
class SampleServerIT {

    static final String BASE = System.getProperty("sample.url", "http://localhost:9181");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void healthIsUpOnAllThreeEndpoints() throws Exception {
        for (String path : new String[] {"/health", "/health/ready", "/health/live"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).contains("\"status\":\"UP\"");
        }
    }

    @Test
    void metricsAreServedInPrometheusFormatWithoutCredentials() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("# TYPE ").contains("mp_scope=\"base\"");
    }

    @Test
    void theFakePaymentsApiCapturesACharge() throws Exception {
        HttpResponse<String> created = post("/api/fake-payments/charges",
                "{\"orderId\":\"o-42\",\"amountCents\":1999,\"currency\":\"eur\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"orderId\":\"o-42\"", "\"currency\":\"EUR\"", "\"status\":\"captured\"");
        String location = created.headers().firstValue("Location").orElseThrow();
        Matcher id = Pattern.compile("\"id\":\"(ch_[0-9a-f]+)\"").matcher(created.body());
        assertThat(id.find()).as("a charge id in %s", created.body()).isTrue();
        assertThat(location).endsWith("/api/fake-payments/charges/" + id.group(1));

        HttpResponse<String> found = get(URI.create(location).getPath());
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains("\"id\":\"" + id.group(1) + "\"");
    }

    @Test
    void theFakePaymentsApiRejectsABadChargeNamingEveryProblem() throws Exception {
        HttpResponse<String> rejected = post("/api/fake-payments/charges", "{\"amountCents\":0,\"currency\":\"EU\"}");

        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.body()).contains("orderId is required", "amountCents must be positive",
                "currency must be a three-letter ISO 4217 code");
        assertThat(get("/api/fake-payments/charges/ch_unknown").statusCode()).isEqualTo(404);
    }

    @Test
    void theDashboardIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Resource Health Overview", "dashboard.js");
        assertThat(get("/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(get("/dashboard.css").statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
