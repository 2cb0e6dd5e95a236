package io.nebula.resource.it.liberty;

import io.nebula.resource.it.support.Archives;
import io.nebula.resource.it.support.Container;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What only a real server shows: the extension's per-resource MicroProfile Health checks on the server's
 * {@code /health}, its acquisition counters on the server's {@code /metrics} (MicroProfile Metrics, by resource
 * and tenant), and its acquisition spans in the server's OpenTelemetry traces (the logging exporter writes them
 * to messages.log), children of the request that caused them. The archive is driven over HTTP through a servlet
 * ({@link BankServlet}), as an application is.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObservabilityIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern SPAN = Pattern.compile("'(?<name>[^']+)' : (?<trace>[0-9a-f]{32}) (?<span>[0-9a-f]{16}) (?<kind>[A-Z]+)");

    @Deployment(testable = false)
    static WebArchive application() {
        return Archives.application("observability", """
                        nebula.resource.bank.kind=it-channel
                        nebula.resource.bank.pool.max-size=4
                        nebula.resource.vault.kind=it-channel
                        nebula.resource.vault.start=eager
                        nebula.resource.vault.pool.min-size=1
                        nebula.resource.vault.health.interval=200ms
                        """,
                Bank.class, BankServlet.class);
    }

    @ArquillianResource
    URL application;

    @Test
    void eachResourceHasItsOwnReadinessAndLivenessCheck() throws Exception {
        for (String path : List.of("/health/ready", "/health/live")) {
            JsonObject health = json(get(Container.baseUrl() + path).body());
            for (String resource : List.of("bank", "vault")) {
                String name = "nebula-resource:" + resource + (path.endsWith("ready") ? ":readiness" : ":liveness");
                JsonObject check = check(health, name).orElseThrow(() -> new AssertionError(
                        "no check " + name + " on " + path + ": " + health));
                assertThat(check.getString("status")).as("%s %s", path, resource).isEqualTo("UP");
                assertThat(check.getJsonObject("data").getString("resource")).isEqualTo(resource);
                assertThat(check.getJsonObject("data").getString("kind")).isEqualTo("it-channel");
            }
        }
        JsonObject vault = check(json(get(Container.baseUrl() + "/health/ready").body()), "nebula-resource:vault:readiness").orElseThrow();
        assertThat(vault.getJsonObject("data").getString("state")).as("started with the application").isEqualTo("READY");
    }

    @Test
    void aResourceWhoseBackendIsDownIsNotReadyButStillAlive() throws Exception {
        try {
            assertThat(post("bank/backend?resource=vault&up=false").body()).isEqualTo("vault down");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> ready = get(Container.baseUrl() + "/health/ready");
                assertThat(ready.statusCode()).as("the server is not ready while a resource is down").isEqualTo(503);
                JsonObject vault = check(json(ready.body()), "nebula-resource:vault:readiness").orElseThrow();
                assertThat(vault.getString("status")).isEqualTo("DOWN");
                assertThat(vault.getJsonObject("data").toString()).as("why, as the provider said")
                        .containsAnyOf("backend down", "refuses connections");
            });
            JsonObject live = check(json(get(Container.baseUrl() + "/health/live").body()), "nebula-resource:vault:liveness").orElseThrow();
            assertThat(live.getString("status")).as("a backend that is down is no reason to restart the server")
                    .isEqualTo("UP");
        } finally {
            post("bank/backend?resource=vault&up=true");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(check(json(get(Container.baseUrl() + "/health/ready").body()), "nebula-resource:vault:readiness").orElseThrow()
                        .getString("status")).as("recovered").isEqualTo("UP"));
    }

    @Test
    void acquisitionsAreCountedOnTheServersMetricsByResourceAndTenant() throws Exception {
        String acme = "acme-" + UUID.randomUUID().toString().substring(0, 6);
        String globex = "globex-" + UUID.randomUUID().toString().substring(0, 6);
        transfer(acme);
        transfer(acme);
        transfer(globex);

        String metrics = get(Container.baseUrl() + "/metrics?scope=application").body();

        assertThat(acquisitions(metrics, "bank", acme)).as(metrics).isEqualTo(2);
        assertThat(acquisitions(metrics, "bank", globex)).isEqualTo(1);
        assertThat(metrics).containsPattern("nebula_resource_active\\{[^}]*resource=\"bank\"");
        assertThat(metrics).containsPattern("nebula_resource_acquisition_duration_seconds_count\\{[^}]*resource=\"bank\"[^}]*tenant=\"" + acme + "\"");
    }

    @Test
    void eachAcquisitionIsASpanInTheTraceOfTheRequestThatCausedIt() throws Exception {
        String tenant = "initech-" + UUID.randomUUID().toString().substring(0, 6);
        transfer(tenant);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<String> spans = Container.messages().lines().filter(l -> l.contains("LoggingSpanExporter")).toList();
            String acquire = spans.stream().filter(l -> l.contains("'nebula.resource.acquire bank'") && l.contains(tenant))
                    .findFirst().orElseThrow(() -> new AssertionError("no span 'nebula.resource.acquire bank' for " + tenant));
            assertThat(acquire).contains("action=transfer", "workflow=payments", "outcome=");
            Matcher m = SPAN.matcher(acquire);
            assertThat(m.find()).isTrue();
            assertThat(m.group("kind")).isEqualTo("INTERNAL");
            String trace = m.group("trace");
            assertThat(spans).as("the request's server span, in the same trace")
                    .anySatisfy(l -> assertThat(l).contains(trace).contains("SERVER").contains("/observability/bank"));
        });
    }

    private void transfer(String tenant) throws IOException, InterruptedException {
        HttpResponse<String> response = post("bank/transfer?tenant=" + tenant);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).startsWith("bank#").endsWith(":transfer 10.00");
    }

    /** The sum over outcomes of {@code nebula_resource_acquisitions_total} for a resource and tenant. */
    private static long acquisitions(String metrics, String resource, String tenant) {
        return Math.round(metrics.lines()
                .filter(l -> l.startsWith("nebula_resource_acquisitions_total{"))
                .filter(l -> l.contains("resource=\"" + resource + "\"") && l.contains("tenant=\"" + tenant + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum());
    }

    private static Optional<JsonObject> check(JsonObject health, String name) {
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals(name)).findFirst();
    }

    private HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(application.toExternalForm()).resolve(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
