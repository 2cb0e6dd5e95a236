package io.nebula.resource.sample.e2e;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as its users run it, with its embedded defaults: a real Open Liberty that the build
 * starts ({@code nebulaSampleIT}) with the WAR, the extension and the providers inside.
 */
class SampleServerIT {

    static final String BASE = System.getProperty("sample.url", "http://localhost:9080");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void healthIsUpOnAllThreeEndpoints() throws Exception {
        for (String path : new String[] {"/health", "/health/ready", "/health/live"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(json(response).getString("status")).as(path).isEqualTo("UP");
        }
    }

    @Test
    void metricsAreServedInPrometheusFormatWithoutCredentials() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("# TYPE ").contains("mp_scope=\"base\"");
    }

    @Test
    void everyDeclaredResourceIsListedWithItsKindScopeAndDependencies() throws Exception {
        HttpResponse<String> response = get("/api/resources");

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, JsonObject> resources = byName(json(response).getJsonArray("resources"));
        assertThat(resources).containsOnlyKeys("orders-db", "cache", "payments-api", "ledger", "tenant-store");
        assertThat(resources.get("orders-db").getString("kind")).isEqualTo("h2");
        assertThat(resources.get("cache").getString("kind")).isEqualTo("local-cache");
        assertThat(resources.get("payments-api").getString("kind")).isEqualTo("http");
        assertThat(resources.get("tenant-store").getString("scope")).isEqualTo("tenant");
        assertThat(strings(resources.get("ledger").getJsonArray("dependsOn"))).containsExactly("orders-db");
        for (String eager : List.of("orders-db", "cache", "ledger")) {
            assertThat(resources.get(eager).getString("state")).as(eager + " starts with the application").isEqualTo("READY");
            assertThat(resources.get(eager).getString("health")).as(eager).isEqualTo("UP");
        }
        resources.values().forEach(r -> {
            assertThat(r.getJsonNumber("utilization").doubleValue()).isBetween(0.0, 1.0);
            // every resource has the default circuit breaker, and it has no reason to open here
            assertThat(r.getString("circuitState")).as(r.getString("name")).isEqualTo("CLOSED");
        });
        for (String pooled : List.of("orders-db", "cache", "ledger", "payments-api")) {
            assertThat(resources.get(pooled).getJsonNumber("max").intValue()).as(pooled).isPositive();
        }
    }

    @Test
    void afterWorkflowsRanTheResourcesShowTheirMeasuredFiguresAndTheTenantsPools() throws Exception {
        String hooli = "hooli-" + UUID.randomUUID().toString().substring(0, 6);
        String umbrella = "umbrella-" + UUID.randomUUID().toString().substring(0, 6);
        for (String tenant : List.of(hooli, umbrella)) {
            runOk("fetch-orders", tenant);
            runOk("process-payments", tenant);
        }

        Map<String, JsonObject> resources = byName(json(get("/api/resources")).getJsonArray("resources"));

        for (String used : List.of("orders-db", "cache", "payments-api", "ledger", "tenant-store")) {
            JsonObject r = resources.get(used);
            assertThat(r.get("p99AcquisitionMs").getValueType()).as(used + ": p99 is measured").isEqualTo(JsonValue.ValueType.NUMBER);
            assertThat(r.getJsonNumber("p99AcquisitionMs").doubleValue()).as(used).isGreaterThanOrEqualTo(0.0);
            assertThat(r.getJsonNumber("errorRate").doubleValue()).as(used).isBetween(0.0, 1.0);
            assertThat(r.getString("circuitState")).as(used).isEqualTo("CLOSED");
        }
        assertThat(resources.get("orders-db").getJsonNumber("errorRate").doubleValue())
                .as("every connection was served").isZero();

        JsonObject store = resources.get("tenant-store");
        assertThat(store.getString("state")).as("its tenants' pools are running").isEqualTo("READY");
        Map<String, JsonObject> tenants = store.getJsonArray("tenants").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(t -> t.getString("tenant"), Function.identity()));
        assertThat(tenants).containsKeys(hooli, umbrella);
        assertThat(tenants.get(hooli).getJsonNumber("max").intValue()).isPositive();
        assertThat(store.getJsonNumber("max").intValue()).as("the tenants' pools summed")
                .isEqualTo(tenants.values().stream().mapToInt(t -> t.getJsonNumber("max").intValue()).sum());
        assertThat(resources.get("orders-db").getJsonArray("tenants")).as("a global resource has no tenant pools").isEmpty();
    }

    @Test
    void workflowsOfTwoTenantsRunAgainstTheirResourcesAndKeepTheirTotalsApart() throws Exception {
        String acme = "acme-" + UUID.randomUUID().toString().substring(0, 6);
        String globex = "globex-" + UUID.randomUUID().toString().substring(0, 6);

        JsonObject fetched = runOk("fetch-orders", acme);
        JsonObject fetch = fetched.getJsonArray("steps").getJsonObject(0);
        assertThat(fetch.getString("action")).isEqualTo("FetchOrders");
        assertThat(strings(fetch.getJsonArray("resources"))).containsExactly("orders-db", "cache");
        JsonArray open = fetch.getJsonObject("result").getJsonArray("open");
        assertThat(open).hasSize(3);
        open.getValuesAs(JsonObject.class).forEach(o -> assertThat(o.getString("tenant")).isEqualTo(acme));

        JsonObject processed = runOk("process-payments", acme);
        Map<String, JsonObject> steps = processed.getJsonArray("steps").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(s -> s.getString("action"), Function.identity()));
        assertThat(steps).containsOnlyKeys("ProcessPayments", "RecordLedger", "PublishPaymentEvents");
        assertThat(strings(steps.get("ProcessPayments").getJsonArray("resources"))).containsExactly("orders-db", "payments-api");
        List<JsonObject> paid = steps.get("ProcessPayments").getJsonArray("result").getValuesAs(JsonObject.class);
        assertThat(paid).extracting(o -> o.getString("id"))
                .containsExactlyInAnyOrderElementsOf(open.getValuesAs(JsonObject.class).stream().map(o -> o.getString("id")).toList());
        for (JsonObject order : paid) {
            assertThat(order.getString("status")).isEqualTo("PAID");
            HttpResponse<String> charge = get("/api/fake-payments/charges/" + order.getString("chargeId"));
            assertThat(charge.statusCode()).as("the charge reached the payments API").isEqualTo(200);
            assertThat(json(charge).getString("orderId")).isEqualTo(order.getString("id"));
        }
        long acmeCents = paid.stream().mapToLong(o -> o.getJsonNumber("amountCents").longValue()).sum();
        JsonObject acmeTotals = steps.get("RecordLedger").getJsonObject("result");
        assertThat(acmeTotals.getJsonNumber("paidOrders").longValue()).isEqualTo(3);
        assertThat(acmeTotals.getJsonNumber("paidCents").longValue()).isEqualTo(acmeCents);
        assertThat(steps.get("PublishPaymentEvents").getJsonArray("result")).as("no broker is declared by default").isEmpty();

        runOk("fetch-orders", globex);
        JsonObject globexTotals = runOk("process-payments", globex).getJsonArray("steps").getJsonObject(1).getJsonObject("result");
        assertThat(globexTotals.getString("tenant")).isEqualTo(globex);
        assertThat(globexTotals.getJsonNumber("paidOrders").longValue())
                .as("globex's tenant-store holds only globex's orders").isEqualTo(3);

        JsonObject again = runOk("process-payments", acme).getJsonArray("steps").getJsonObject(1).getJsonObject("result");
        assertThat(again.getJsonNumber("recorded").longValue()).as("nothing left to pay").isZero();
        assertThat(again.getJsonNumber("paidOrders").longValue()).as("acme's totals survive between runs").isEqualTo(3);
    }

    @Test
    void aPaymentOutageFailsTheRunStopsItAndLeavesTheOrdersToPayLater() throws Exception {
        String tenant = "initech-" + UUID.randomUUID().toString().substring(0, 6);
        runOk("fetch-orders", tenant);

        assertThat(send("PUT", "/api/fake-payments/outage?status=503").statusCode()).isEqualTo(204);
        HttpResponse<String> failed;
        try {
            failed = post("/api/workflows/process-payments?tenant=" + tenant, "");
        } finally {
            assertThat(send("DELETE", "/api/fake-payments/outage").statusCode()).isEqualTo(204);
        }

        assertThat(failed.statusCode()).isEqualTo(500);
        JsonObject run = json(failed);
        assertThat(run.getString("outcome")).isEqualTo("failed");
        List<JsonObject> steps = run.getJsonArray("steps").getValuesAs(JsonObject.class);
        assertThat(steps).extracting(s -> s.getString("action") + ":" + s.getString("outcome"))
                .containsExactly("ProcessPayments:failed", "RecordLedger:skipped", "PublishPaymentEvents:skipped");
        assertThat(steps.get(0).getString("error")).contains("PaymentFailedException", "payments-api", "HTTP 503");

        JsonObject retried = runOk("process-payments", tenant).getJsonArray("steps").getJsonObject(1).getJsonObject("result");
        assertThat(retried.getJsonNumber("recorded").longValue()).as("the orders were left open and are paid now").isEqualTo(3);
    }

    @Test
    void aRunNeedsAKnownWorkflowAndATenant() throws Exception {
        HttpResponse<String> unknown = post("/api/workflows/refunds?tenant=acme", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("fetch-orders", "process-payments");

        HttpResponse<String> noTenant = post("/api/workflows/fetch-orders", "");
        assertThat(noTenant.statusCode()).isEqualTo(400);
        assertThat(noTenant.body()).contains("tenant is required");

        assertThat(post("/api/workflows/fetch-orders?tenant=a%20b", "").statusCode()).isEqualTo(400);
    }

    @Test
    void theWorkflowsAreListedWithTheResourcesTheirActionsDeclare() throws Exception {
        HttpResponse<String> response = get("/api/workflows");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"name\":\"fetch-orders\"", "\"name\":\"process-payments\"",
                "\"name\":\"RecordLedger\",\"resources\":[\"ledger\",\"tenant-store\"]");
    }

    @Test
    void theFakePaymentsApiCapturesACharge() throws Exception {
        HttpResponse<String> created = post("/api/fake-payments/charges",
                "{\"orderId\":\"o-42\",\"amountCents\":1999,\"currency\":\"eur\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonObject charge = json(created);
        assertThat(charge.getString("orderId")).isEqualTo("o-42");
        assertThat(charge.getString("currency")).isEqualTo("EUR");
        assertThat(charge.getString("status")).isEqualTo("captured");
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/api/fake-payments/charges/" + charge.getString("id"));

        HttpResponse<String> found = get(URI.create(location).getPath());
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(json(found).getString("id")).isEqualTo(charge.getString("id"));
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
    void theSamplesPageIsServedAtTheRootAndTheDashboardFromItsJarBehindASignIn() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Run a workflow", "sample.js", "href=\"nebula/dashboard/\"");
        assertThat(get("/sample.js").statusCode()).isEqualTo(200);
        assertThat(get("/nebula/dashboard/").statusCode()).as("no credentials").isEqualTo(401);
        for (String file : List.of("", "index.html", "dashboard.js", "dashboard.css")) {
            HttpResponse<String> served = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/nebula/dashboard/" + file))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("viewer:viewer-dev".getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(served.statusCode()).as("/nebula/dashboard/" + file).isEqualTo(200);
        }
    }

    /** Runs a workflow and checks that every action succeeded; returns the run. */
    static JsonObject runOk(String workflow, String tenant) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/api/workflows/" + workflow + "?tenant=" + tenant, "");
        assertThat(response.statusCode()).as("%s for %s: %s", workflow, tenant, response.body()).isEqualTo(200);
        JsonObject run = json(response);
        assertThat(run.getString("outcome")).isEqualTo("ok");
        assertThat(run.getString("tenant")).isEqualTo(tenant);
        assertThat(run.getString("execution")).startsWith(workflow + "-");
        return run;
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    static Map<String, JsonObject> byName(JsonArray array) {
        return array.getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(o -> o.getString("name"), Function.identity()));
    }

    static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
