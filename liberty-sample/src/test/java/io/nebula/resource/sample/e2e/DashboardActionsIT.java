package io.nebula.resource.sample.e2e;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every dashboard action other than resize (NebulaDashboardIT) on the running sample, in headless Chromium: admin
 * clicks the action on /nebula/dashboard/, confirms in the dialog, and the effect is seen outside the page — a
 * workflow of the sample refused or served again, orders-db's readiness check in {@code /health/ready}, the
 * server's messages.log. A viewer posting any action is refused with 403 and changes nothing. Each test puts the
 * resource back as it found it (in a {@code finally}, through the JSON as admin), since every IT shares one server.
 */
class DashboardActionsIT {

    private static final String DASHBOARD = SampleServerIT.BASE + "/nebula/dashboard/";
    private static final String ADMIN = "admin:admin-dev";
    private static final String VIEWER = "viewer:viewer-dev";
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(30);
    private static final String CIRCUIT_DROPIN = "e2e-dashboard-circuit";
    private static final String ORDERS_CB = "nebula.resource.orders-db.circuit-breaker.";
    /** HTTP/1.1: several requests at once on one HTTP/2 connection hang in Liberty (AnomalyIT). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static Browser browser;

    @BeforeAll
    static void openABrowser() {
        browser = new Browser();
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void pauseRefusesFetchOrdersAndResumeServesItAgain() throws Exception {
        assertThat(fetchOrders().statusCode()).isEqualTo(200);
        open();
        try {
            act("orders-db", null, "pause", "pause", Map.of());
            HttpResponse<String> refused = fetchOrders();
            assertThat(refused.statusCode()).isNotEqualTo(200);
            assertThat(refused.body()).contains("NEBULA-4401", "an operator paused it");

            act("orders-db", null, "resume", "resume", Map.of());
            assertThat(fetchOrders().statusCode()).as("served again").isEqualTo(200);
        } finally {
            post(ADMIN, "resources/orders-db/resume", "{}");
        }
    }

    @Test
    void drainRefusesFetchOrdersIsLoggedDoneAndResumeServesItAgain() throws Exception {
        int drained = ServerFiles.messages("NEBULA-4402 Resource 'orders-db' drained").size();
        open();
        try {
            act("orders-db", null, "drain", "drain", Map.of("timeoutSeconds", "5"));
            HttpResponse<String> refused = fetchOrders();
            assertThat(refused.statusCode()).isNotEqualTo(200);
            assertThat(refused.body()).contains("NEBULA-4401", "an operator drained it");
            await().atMost(SEEN_WITHIN).until(() ->
                    ServerFiles.messages("NEBULA-4402 Resource 'orders-db' drained").size() > drained);

            act("orders-db", null, "resume", "resume", Map.of());
            assertThat(fetchOrders().statusCode()).as("served again").isEqualTo(200);
        } finally {
            post(ADMIN, "resources/orders-db/resume", "{}");
        }
    }

    @Test
    void quarantineTakesOrdersDbOutOfReadinessAndReleaseBringsItBack() throws Exception {
        open();
        try {
            act("orders-db", null, "quarantine", "quarantine", Map.of("reason", "e2e: checking the replica"));
            await().atMost(SEEN_WITHIN).until(() -> readiness().getBoolean("quarantined"));
            assertThat(health().statusCode()).as("/health/ready is DOWN").isEqualTo(503);
            HttpResponse<String> refused = fetchOrders();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(json(refused.body()).getJsonObject("unavailable").getString("reason")).isEqualTo("QUARANTINED");
            assertThat(refused.body()).contains("e2e: checking the replica");

            act("orders-db", null, "release", "release", Map.of());
            await().atMost(SEEN_WITHIN).until(() -> !readiness().getBoolean("quarantined"));
            assertThat(fetchOrders().statusCode()).as("served again").isEqualTo(200);
        } finally {
            post(ADMIN, "resources/orders-db/release", "{}");
        }
    }

    /**
     * The circuit is moved off CLOSED through the run-time configuration (a drop-in, applied by the extension's
     * refresh): with a window of one acquisition and a failure ratio of 0 a full window opens the circuit whatever it
     * holds. H2 answers the pool's probe at once, so the open circuit half-opens within about a second
     * (docs/resilience.md); with {@code success-threshold} at 1000 it then stays HALF_OPEN. The window and ratio are
     * put back while the threshold keeps it half-open, so only the reset closes it. Every value goes back by being
     * written: the refresh leaves a key removed from the configuration at its last value (docs/operations.md).
     */
    @Test
    void resetCircuitClosesACircuitThatWouldStayHalfOpen() throws Exception {
        int refreshes = circuitRefreshes();
        try {
            ServerFiles.overrides(CIRCUIT_DROPIN, Map.of(ORDERS_CB + "request-volume-threshold", "1",
                    ORDERS_CB + "failure-ratio", "0", ORDERS_CB + "success-threshold", "1000"));
            await().atMost(SEEN_WITHIN).until(() -> circuitRefreshes() > refreshes);
            await().atMost(SEEN_WITHIN).until(() -> {
                fetchOrders();
                return readiness().getString("circuit").equals("half-open");
            });
            int moved = circuitRefreshes();
            ServerFiles.overrides(CIRCUIT_DROPIN, Map.of(ORDERS_CB + "request-volume-threshold", "20",
                    ORDERS_CB + "failure-ratio", "0.5", ORDERS_CB + "success-threshold", "1000"));
            await().atMost(SEEN_WITHIN).until(() -> circuitRefreshes() > moved);
            assertThat(fetchOrders().statusCode()).as("a probe").isEqualTo(200);
            assertThat(readiness().getString("circuit")).as("999 probes short of closing").isEqualTo("half-open");

            open();
            browser.waitUpTo(15).until(d -> row("orders-db").findElement(By.cssSelector(".circuit-cell")).getText().equals("HALF_OPEN"));
            act("orders-db", null, "reset-circuit", "reset circuit", Map.of());

            assertThat(readiness().getString("circuit")).isEqualTo("closed");
            assertThat(fetchOrders().statusCode()).isEqualTo(200);
            assertThat(readiness().getString("circuit")).as("the default window judges again").isEqualTo("closed");
            assertThat(ServerFiles.messages("NEBULA-4403 Resource 'orders-db' changed by admin: action=RESET_CIRCUIT")).isNotEmpty();
        } finally {
            if (circuitRefreshes() > refreshes) { // the drop-in was applied: the defaults written back, then applied
                int restored = circuitRefreshes();
                ServerFiles.overrides(CIRCUIT_DROPIN, Map.of(ORDERS_CB + "request-volume-threshold", "20",
                        ORDERS_CB + "failure-ratio", "0.5", ORDERS_CB + "success-threshold", "1"));
                await().atMost(SEEN_WITHIN).until(() -> circuitRefreshes() > restored);
            }
            ServerFiles.removeOverrides(CIRCUIT_DROPIN);
            post(ADMIN, "resources/orders-db/reset-circuit", "{}");
        }
    }

    @Test
    void aTenantsQuotaChangedOnThePageRefusesItsAcquisitionsOverTheNewRate() throws Exception {
        String tenant = "quota-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(processPayments(tenant).statusCode()).as("its tenant-store pool opens").isEqualTo(200);
        open();
        By quota = By.cssSelector(".tenants li[data-tenant='" + tenant + "'] button[data-action='quota']");
        browser.waitUpTo(15).until(d -> !row("tenant-store").findElements(quota).isEmpty());
        try {
            act("tenant-store", tenant, "quota", "quota", Map.of("tenant.quota.max-acquisitions-per-second", "1"));
            assertThat(ServerFiles.messages("NEBULA-4403 Resource 'tenant-store' (tenant '" + tenant + "') changed by admin"))
                    .anySatisfy(l -> assertThat(l).contains("action=TENANT_QUOTA", "tenant.quota.max-acquisitions-per-second=1"));

            // a burst of one token, one more a second: of ten runs sent at once, some are refused (all ten served
            // would take nine seconds)
            List<CompletableFuture<HttpResponse<String>>> runs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                runs.add(HTTP.sendAsync(workflow("process-payments", tenant), HttpResponse.BodyHandlers.ofString()));
            }
            List<String> bodies = runs.stream().map(CompletableFuture::join).map(HttpResponse::body).toList();
            assertThat(bodies).anySatisfy(b -> assertThat(b).contains("NEBULA-4007 Tenant '" + tenant + "' is over its quota"));
        } finally {
            post(ADMIN, "resources/tenant-store/tenants/" + tenant + "/quota",
                    "{\"tenant.quota.max-acquisitions-per-second\": \"0\"}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "resources/orders-db/pause|{}",
            "resources/orders-db/resume|{}",
            "resources/orders-db/drain|{\"timeoutSeconds\": 5}",
            "resources/orders-db/quarantine|{\"reason\": \"viewer\"}",
            "resources/orders-db/release|{}",
            "resources/orders-db/reset-circuit|{}",
            "resources/orders-db/resize|{\"max\": 3}",
            "resources/tenant-store/tenants/viewer-t/quota|{\"tenant.quota.max-concurrent-leases\": \"1\"}"})
    void aViewerPostingAnyActionIsRefusedWith403AndNothingChanges(String path, String body) throws Exception {
        JsonObject before = readiness();
        String tenant = "viewer-" + UUID.randomUUID().toString().substring(0, 6);

        HttpResponse<String> refused = post(VIEWER, path, body);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("the actions need the role nebula-admin");
        JsonObject after = readiness();
        for (String field : List.of("state", "max-size", "circuit", "quarantined")) {
            assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
        }
        assertThat(fetchOrders().statusCode()).as("orders-db still serves").isEqualTo(200);
        assertThat(processPayments(tenant).statusCode()).as("tenant-store still serves").isEqualTo(200);
        assertThat(ServerFiles.messages("NEBULA-4403")).noneMatch(l -> l.contains("changed by viewer"));
    }

    // ------------------------------------------------------------------------------------------------

    private static void open() {
        browser.signIn("admin", "admin-dev");
        browser.driver().get(DASHBOARD);
        browser.waitUpTo(60).until(d -> !d.findElements(By.cssSelector("#resources tbody tr[data-resource='orders-db']")).isEmpty()
                && d.findElement(By.id("who")).getText().equals("signed in as admin · nebula-admin"));
    }

    /**
     * Clicks {@code action} in the resource's row (the tenant's line for a quota), checks the dialog asks about it,
     * fills {@code fields}, confirms, and waits for the page to say the server applied it.
     */
    private static void act(String resource, String tenant, String action, String label, Map<String, String> fields) {
        WebElement holder = tenant == null ? row(resource)
                : row(resource).findElement(By.cssSelector(".tenants li[data-tenant='" + tenant + "']"));
        holder.findElement(By.cssSelector("button[data-action='" + action + "']")).click();
        WebElement dialog = browser.driver().findElement(By.id("confirm"));
        browser.waitUpTo(5).until(d -> dialog.isDisplayed());
        String what = label + " " + resource + (tenant == null ? "" : " for " + tenant);
        assertThat(dialog.findElement(By.id("confirm-title")).getText())
                .isEqualTo(Character.toUpperCase(what.charAt(0)) + what.substring(1) + "?");
        new LinkedHashMap<>(fields).forEach((name, value) -> {
            WebElement input = dialog.findElement(By.cssSelector("input[name='" + name + "']"));
            input.clear();
            input.sendKeys(value);
        });
        dialog.findElement(By.id("confirm-ok")).click();
        browser.waitUpTo(5).until(d -> !dialog.isDisplayed());
        browser.waitUpTo(30).until(d -> d.findElement(By.id("action-result")).getText().startsWith(what + ": ")
                || d.findElement(By.id("action-result")).getText().startsWith(what + " refused"));
        assertThat(browser.driver().findElement(By.id("action-result")).getText()).startsWith(what + ": done by admin");
    }

    private static WebElement row(String resource) {
        return browser.driver().findElement(By.cssSelector("#resources tr[data-resource='" + resource + "']"));
    }

    /** Lines of the refresh applying orders-db's circuit-breaker keys. */
    private static int circuitRefreshes() {
        return (int) ServerFiles.messages("NEBULA-4403 Resource 'orders-db' changed by config-refresh").stream()
                .filter(l -> l.contains("circuit-breaker.")).count();
    }

    private static HttpResponse<String> fetchOrders() throws Exception {
        return send(workflow("fetch-orders", "dash-" + UUID.randomUUID().toString().substring(0, 6)));
    }

    private static HttpResponse<String> processPayments(String tenant) throws Exception {
        return send(workflow("process-payments", tenant));
    }

    private static HttpRequest workflow(String name, String tenant) {
        return HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/api/workflows/" + name + "?tenant=" + tenant))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static HttpResponse<String> health() throws Exception {
        return send(HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/health/ready")).timeout(Duration.ofSeconds(60)).build());
    }

    /** orders-db's readiness check in {@code /health/ready}: its data. */
    private static JsonObject readiness() throws Exception {
        HttpResponse<String> health = health();
        return json(health.body()).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("nebula-resource:orders-db:readiness"))
                .findFirst().orElseThrow(() -> new AssertionError("no readiness check of orders-db: " + health.body()))
                .getJsonObject("data");
    }

    private static HttpResponse<String> post(String credentials, String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/nebula/api/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
