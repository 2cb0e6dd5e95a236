package io.nebula.resource.sample.e2e;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard of nebula-resource-dashboard at /nebula/dashboard/ on the running sample, in headless Chromium,
 * signed in with BASIC credentials of the sample's dev-only registry: admin (role nebula-admin) resizes orders-db
 * from the page and /health shows the new max; viewer is refused with 403 and nothing changes; the sparklines of
 * the last hour are drawn once workflows ran; the JSON answers 401 / 403 / 400 / 404 as docs/operations.md says.
 */
class NebulaDashboardIT {

    private static final String DASHBOARD = SampleServerIT.BASE + "/nebula/dashboard/";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

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
    void anAdminResizesOrdersDbFromThePageAndHealthShowsTheNewMax() throws Exception {
        int before = healthMax("orders-db");
        int target = before + 3;

        open("admin", "admin-dev");
        assertThat(browser.driver().findElement(By.id("who")).getText()).isEqualTo("signed in as admin · nebula-admin");
        resizeFromThePage("orders-db", target);

        browser.waitUpTo(30).until(d -> d.findElement(By.id("action-result")).getText().startsWith("resize orders-db: "));
        assertThat(browser.driver().findElement(By.id("action-result")).getText())
                .startsWith("resize orders-db: done by admin").contains("pool.max-size " + before + " → " + target);
        await().atMost(Duration.ofSeconds(30)).until(() -> healthMax("orders-db") == target);
        browser.waitUpTo(15).until(d -> row("orders-db").findElement(By.cssSelector(".bar-text")).getText()
                .matches("\\d+/" + target + " in use.*"));
    }

    @Test
    void aViewerIsRefusedWith403AndNothingChanges() throws Exception {
        int before = healthMax("orders-db");

        open("viewer", "viewer-dev");
        assertThat(browser.driver().findElement(By.id("who")).getText()).contains("signed in as viewer", "read-only");
        resizeFromThePage("orders-db", before + 7);

        browser.waitUpTo(30).until(d -> d.findElement(By.id("action-result")).getText().startsWith("resize orders-db "));
        assertThat(browser.driver().findElement(By.id("action-result")).getText())
                .startsWith("resize orders-db refused: HTTP 403");
        assertThat(healthMax("orders-db")).isEqualTo(before);
        assertThat(post("viewer:viewer-dev", "resources/orders-db/pause", "{}").statusCode()).isEqualTo(403);
        assertThat(healthMax("orders-db")).isEqualTo(before);
    }

    @Test
    void theSparklinesOfTheLastHourAreDrawnOnceWorkflowsRan() throws Exception {
        String tenant = "sparks-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 3; i++) {
            runProcessPayments(tenant);
        }
        runProcessPayments("other-" + UUID.randomUUID().toString().substring(0, 6));

        open("viewer", "viewer-dev");

        browser.waitUpTo(30).until(d -> peak(row("orders-db"), "acquisitions") > 0);
        WebElement spark = row("orders-db").findElement(By.cssSelector(".spark[data-metric='acquisitions'] svg"));
        assertThat(Integer.parseInt(spark.getAttribute("data-buckets"))).as("an hour of 10 s buckets").isGreaterThan(300);
        assertThat(spark.findElement(By.tagName("polyline")).getAttribute("points").split(" ")).hasSizeGreaterThan(300);
        assertThat(spark.getRect().getWidth()).as("drawn").isGreaterThan(50);
        assertThat(row("orders-db").findElements(By.cssSelector(".spark"))).extracting(s -> s.getAttribute("data-metric"))
                .containsExactly("acquisitions", "p99", "errors");
        // the tenant's line has the tenant's own history: its three runs, not the other tenant's
        By tenantSpark = By.cssSelector(".tenants li[data-tenant='" + tenant + "'] .spark[data-metric='acquisitions'] svg");
        browser.waitUpTo(30).until(d -> !row("tenant-store").findElements(tenantSpark).isEmpty());
        assertThat(row("tenant-store").findElement(tenantSpark).getAttribute("data-total")).isEqualTo("3");
        assertThat(Double.parseDouble(row("tenant-store").findElement(By.cssSelector("td.spark-cell .spark[data-metric='acquisitions'] svg"))
                .getAttribute("data-total"))).as("the resource: every tenant's").isGreaterThanOrEqualTo(4);
    }

    private static void runProcessPayments(String tenant) throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/api/workflows/process-payments?tenant=" + tenant))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
    }

    @Test
    void theJsonNeedsASignInAndAnswersForBadChangesAndUnknownResources() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/nebula/api/resources"))).statusCode())
                .as("no credentials").isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/api/resources"))).statusCode())
                .as("the sample's own JSON stays open").isEqualTo(200);
        assertThat(send(withAuth("viewer:viewer-dev", HttpRequest.newBuilder(URI.create(SampleServerIT.BASE
                + "/nebula/api/resources/orders-db/history")))).statusCode()).isEqualTo(200);

        HttpResponse<String> invalid = post("admin:admin-dev", "resources/orders-db/resize", "{\"min\": 0, \"max\": 0}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"key\":\"nebula.resource.orders-db.pool.max-size\"");

        HttpResponse<String> noMax = post("admin:admin-dev", "resources/orders-db/resize", "{\"min\": 1}");
        assertThat(noMax.statusCode()).isEqualTo(400);
        assertThat(noMax.body()).contains("\"key\":\"max\"");
        HttpResponse<String> noReason = post("admin:admin-dev", "resources/orders-db/quarantine", "{}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("\"key\":\"reason\"");

        assertThat(post("admin:admin-dev", "resources/no-such-db/pause", "{}").statusCode()).isEqualTo(404);
        assertThat(send(withAuth("viewer:viewer-dev", HttpRequest.newBuilder(URI.create(SampleServerIT.BASE
                + "/nebula/api/resources/no-such-db/history")))).statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------------------------------------

    private static void open(String user, String password) {
        browser.signIn(user, password);
        browser.driver().get(DASHBOARD);
        browser.waitUpTo(60).until(d -> !d.findElements(By.cssSelector("#resources tbody tr[data-resource='orders-db']")).isEmpty()
                && !d.findElement(By.id("who")).getText().isEmpty());
    }

    private static void resizeFromThePage(String resource, int max) {
        row(resource).findElement(By.cssSelector("button[data-action='resize']")).click();
        WebElement dialog = browser.driver().findElement(By.id("confirm"));
        browser.waitUpTo(5).until(d -> dialog.isDisplayed());
        assertThat(dialog.findElement(By.id("confirm-title")).getText()).isEqualTo("Resize " + resource + "?");
        WebElement input = dialog.findElement(By.cssSelector("input[name='max']"));
        input.clear();
        input.sendKeys(Integer.toString(max));
        dialog.findElement(By.id("confirm-ok")).click();
        browser.waitUpTo(5).until(d -> !dialog.isDisplayed());
    }

    private static WebElement row(String resource) {
        return browser.driver().findElement(By.cssSelector("#resources tr[data-resource='" + resource + "']"));
    }

    private static double peak(WebElement holder, String metric) {
        var svgs = holder.findElements(By.cssSelector(".spark[data-metric='" + metric + "'] svg"));
        return svgs.isEmpty() ? 0 : Double.parseDouble(svgs.get(0).getAttribute("data-peak"));
    }

    /** orders-db's {@code max-size} in its readiness check of /health (docs/health.md). */
    private static int healthMax(String resource) throws Exception {
        HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/health/ready")));
        try (JsonReader reader = Json.createReader(new StringReader(health.body()))) {
            JsonObject check = reader.readObject().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(c -> c.getString("name").equals("nebula-resource:" + resource + ":readiness"))
                    .findFirst().orElseThrow(() -> new AssertionError("no readiness check of " + resource + ": " + health.body()));
            return Integer.parseInt(check.getJsonObject("data").get("max-size").toString().replace("\"", ""));
        }
    }

    private static HttpResponse<String> post(String credentials, String path, String json) throws Exception {
        return send(withAuth(credentials, HttpRequest.newBuilder(URI.create(SampleServerIT.BASE + "/nebula/api/" + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))));
    }

    private static HttpRequest.Builder withAuth(String credentials, HttpRequest.Builder request) {
        return request.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
