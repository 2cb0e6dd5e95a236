package io.nebula.resource.sample.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.nebula.resource.sample.e2e.PageFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The dashboard page (nebula-resource-dashboard's META-INF/resources/nebula/dashboard) on its own, in headless
 * Chromium: its static files served as a container serves them, and {@code nebula/api/...} answered from fixtures
 * so that every kind of row (up, degraded, down, figures not measured, a tenant-scoped resource's tenants, an
 * anomaly, an hour of history) is on screen at once, and the actions' requests are recorded. The sample's own page
 * (the workflow runner) is served at {@code /}. The real figures are checked against the running sample by
 * {@link SampleServerIT}, {@link DashboardIT} and {@link NebulaDashboardIT}.
 */
class DashboardPageIT {

    private static final Path WEBAPP = Path.of(System.getProperty("sample.webapp", "src/main/webapp"));
    private static final String ANOMALIES = "[{\"resource\":\"payments-api\",\"tenant\":null,\"signal\":\"acquisition-p99\","
            + "\"baseline\":4.0,\"observed\":90.0,\"reason\":\"acquisition p99 90.0 ms, baseline 4.0 ms\","
            + "\"since\":\"2026-01-01T00:00:00Z\"}]";

    private static final String WORKFLOWS = "[{\"name\":\"fetch-orders\",\"actions\":[{\"name\":\"FetchOrders\","
            + "\"resources\":[\"orders-db\",\"cache\"]}]}]";

    private static PageFixture server;
    private static Browser browser;
    private static String fixture;
    private static volatile String resourcesJson;
    private static volatile int resourcesStatus;
    private static volatile String anomaliesJson;
    private static final List<String> posted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void serveThePage() throws IOException {
        try (InputStream in = Objects.requireNonNull(DashboardPageIT.class.getResourceAsStream("/dashboard/resources.json"))) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        server = new PageFixture(WEBAPP.toAbsolutePath().normalize()).answer("/nebula/api/resources", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (exchange.getRequestMethod().equals("POST")) {
                posted.add(path + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                send(exchange, 200, "application/json", "{\"resource\":\"orders-db\",\"action\":\"RESIZE\","
                        + "\"principal\":\"admin\",\"before\":{\"pool.max-size\":\"10\"},\"after\":{\"pool.max-size\":\"12\"}}");
            } else if (path.endsWith("/history")) {
                send(exchange, 200, "application/json", history(path));
            } else {
                send(exchange, resourcesStatus, "application/json", resourcesJson);
            }
        }).answer("/nebula/api/anomalies", exchange -> send(exchange, 200, "application/json", anomaliesJson))
                .answer("/nebula/api/me", exchange -> send(exchange, 200, "application/json", "{\"name\":\"admin\",\"admin\":true}"))
                .answer("/api/workflows", exchange -> send(exchange, 200, "application/json", WORKFLOWS));
        browser = new Browser();
    }

    @BeforeEach
    void openThePage() {
        resourcesJson = fixture;
        resourcesStatus = 200;
        anomaliesJson = "[]";
        posted.clear();
        browser.driver().get(server.dashboard());
        browser.waitUpTo(30).until(d -> d.findElements(By.cssSelector("#resources tbody tr")).size() == 5);
    }

    @AfterAll
    static void stop() {
        PageFixture.close(browser, server);
    }

    @Test
    void oneRowPerResourceWithItsStatusMark() {
        assertThat(rows()).extracting(r -> r.getAttribute("data-resource"))
                .containsExactly("cache", "ledger", "orders-db", "payments-api", "tenant-store");
        assertThat(row("orders-db").findElement(By.cssSelector(".mark")).getAttribute("class")).contains("up");
        assertThat(row("payments-api").findElement(By.cssSelector(".mark")).getAttribute("class")).contains("degraded");
        assertThat(row("ledger").findElement(By.cssSelector(".mark")).getAttribute("class")).contains("down");
        assertThat(row("ledger").getText()).contains("Connection refused", "FAILED");
        assertThat(row("tenant-store").findElement(By.cssSelector(".kind")).getText()).isEqualTo("h2 · tenant");
    }

    @Test
    void utilizationBarsAreAsWideAsTheShareInUse() {
        assertThat(barShare("orders-db", 0.4)).isCloseTo(0.4, within(0.02));
        assertThat(barShare("cache", 0.0)).isCloseTo(0.0, within(0.02));
        assertThat(barShare("ledger", 1.0)).isCloseTo(1.0, within(0.02));
        assertThat(bar("orders-db").getRect().getHeight()).as("the bar is drawn").isPositive();
        assertThat(row("ledger").findElement(By.cssSelector(".bar-fill")).getAttribute("class")).contains("full");
        assertThat(row("payments-api").findElement(By.cssSelector(".bar-fill")).getAttribute("class")).contains("high");
        assertThat(row("orders-db").findElement(By.cssSelector(".bar-text")).getText())
                .isEqualTo("4/10 in use · 6 idle · 0 waiting");
    }

    @Test
    void p99ErrorRateAndCircuitAreShownAndMissingFiguresSayNotAvailable() {
        assertThat(cell("orders-db", ".p99")).isEqualTo("12.3 ms");
        assertThat(cell("ledger", ".p99")).isEqualTo("2500 ms");
        assertThat(cell("payments-api", ".error-rate")).isEqualTo("2.5 %");
        assertThat(cell("ledger", ".circuit-cell")).isEqualTo("OPEN");
        assertThat(cell("payments-api", ".circuit-cell")).isEqualTo("HALF_OPEN");
        assertThat(cell("payments-api", ".p99")).isEqualTo("n/a");
        assertThat(List.of(cell("tenant-store", ".p99"), cell("tenant-store", ".error-rate"),
                cell("tenant-store", ".circuit-cell"))).containsOnly("n/a");
    }

    @Test
    void aTenantScopedResourceListsEachTenantsPoolUnderItsSummedBar() {
        assertThat(row("tenant-store").findElement(By.cssSelector(".bar-text")).getText())
                .isEqualTo("1/4 in use · 1 idle · 0 waiting");
        assertThat(row("tenant-store").findElements(By.cssSelector(".tenants li")))
                .extracting(li -> li.findElement(By.cssSelector(".tenant-text")).getText())
                .containsExactly("acme: 1/2 in use · 1 idle · 0 waiting", "globex: 0/2 in use · 0 idle · 0 waiting");
        assertThat(row("orders-db").findElement(By.cssSelector(".tenants")).isDisplayed())
                .as("a resource without tenants has no tenant lines").isFalse();
    }

    @Test
    void aResourceDownBecauseOfADependencySaysWhich() {
        resourcesJson = resourcesJson.replace(
                "\"healthMessage\": \"slow responses\", \"downDependencies\": []",
                "\"healthMessage\": \"slow responses\", \"downDependencies\": [\"orders-db\"]");

        browser.waitUpTo(15).until(d -> row("payments-api").getText().contains("which is down"));

        assertThat(row("payments-api").findElement(By.cssSelector(".cascade")).getText())
                .isEqualTo("depends on orders-db, which is down");
    }

    @Test
    void theGraphDrawsEveryResourceAndPointsFromDependentToDependency() {
        List<WebElement> nodes = browser.driver().findElements(By.cssSelector("#graph g.node"));
        assertThat(nodes).extracting(n -> n.getAttribute("data-resource"))
                .containsExactlyInAnyOrder("cache", "ledger", "orders-db", "payments-api", "tenant-store");
        assertThat(browser.driver().findElements(By.cssSelector("#graph path.edge")))
                .extracting(e -> e.getAttribute("data-from") + "->" + e.getAttribute("data-to"))
                .containsExactlyInAnyOrder("ledger->orders-db", "tenant-store->orders-db");
        assertThat(node("ledger").getRect().getX()).as("a dependent is drawn right of its dependency")
                .isGreaterThan(node("orders-db").getRect().getX());
        assertThat(node("ledger").getAttribute("class")).contains("down");
        assertThat(node("orders-db").getRect().getWidth()).isPositive();
    }

    @Test
    void theFiguresRefreshWithoutReloadingThePage() {
        browser.driver().executeScript("window.__sameDocument = true");
        resourcesJson = resourcesJson.replace("\"active\": 4, \"idle\": 6", "\"active\": 9, \"idle\": 1")
                .replace("\"utilization\": 0.4,", "\"utilization\": 0.9,");

        browser.waitUpTo(15).until(d -> row("orders-db").findElement(By.cssSelector(".bar-text")).getText()
                .startsWith("9/10"));

        assertThat(barShare("orders-db", 0.9)).isCloseTo(0.9, within(0.02));
        assertThat(browser.driver().executeScript("return window.__sameDocument === true")).isEqualTo(true);
    }

    @Test
    void whenTheFiguresCannotBeReadThePageSaysSoAndKeepsTheLastOnes() {
        resourcesStatus = 503;

        browser.waitUpTo(15).until(d -> d.findElement(By.id("problem")).isDisplayed());

        assertThat(browser.driver().findElement(By.id("problem")).getText()).contains("HTTP 503");
        assertThat(rows()).hasSize(5);
    }

    @Test
    void anAnomalyMarksItsRowWithTheReason() {
        anomaliesJson = ANOMALIES;

        browser.waitUpTo(15).until(d -> row("payments-api").getAttribute("class").contains("anomaly"));

        assertThat(row("payments-api").findElement(By.cssSelector(".anomaly-reason")).getText())
                .isEqualTo("⚠ acquisition p99 90.0 ms, baseline 4.0 ms");
        assertThat(row("orders-db").getAttribute("class")).doesNotContain("anomaly");
    }

    @Test
    void sparklinesDrawTheLastHourOfEachResourceAndTenant() {
        browser.waitUpTo(15).until(d -> !row("orders-db").findElements(By.cssSelector(".spark svg")).isEmpty()
                && !row("tenant-store").findElements(By.cssSelector(".tenants li[data-tenant='acme'] .spark svg")).isEmpty());

        WebElement acquisitions = row("orders-db").findElement(By.cssSelector(".spark[data-metric='acquisitions']"));
        assertThat(acquisitions.findElement(By.tagName("svg")).getAttribute("data-peak")).isEqualTo("40");
        assertThat(acquisitions.findElement(By.tagName("polyline")).getAttribute("points").split(" ")).hasSize(360);
        assertThat(acquisitions.findElement(By.cssSelector(".peak")).getText()).isEqualTo("40");
        assertThat(row("orders-db").findElement(By.cssSelector(".spark[data-metric='p99'] .peak")).getText()).isEqualTo("8.0 ms");
        assertThat(row("orders-db").findElement(By.cssSelector(".spark[data-metric='errors'] svg")).getAttribute("data-peak"))
                .as("errors of every type summed").isEqualTo("3");
        assertThat(row("tenant-store").findElement(By.cssSelector(".tenants li[data-tenant='acme'] .spark[data-metric='acquisitions'] svg"))
                .getAttribute("data-peak")).as("acme's own history").isEqualTo("7");
    }

    @Test
    void anActionAsksForConfirmationAndSendsNothingWhenCancelled() {
        WebElement dialog = browser.driver().findElement(By.id("confirm"));
        row("orders-db").findElement(By.cssSelector("button[data-action='resize']")).click();
        browser.waitUpTo(5).until(d -> dialog.isDisplayed());
        assertThat(dialog.findElement(By.cssSelector("input[name='min']")).getAttribute("value")).isEqualTo("2");
        assertThat(dialog.findElement(By.cssSelector("input[name='max']")).getAttribute("value")).isEqualTo("10");

        browser.driver().findElement(By.id("confirm-cancel")).click();
        browser.waitUpTo(5).until(d -> !dialog.isDisplayed());
        assertThat(posted).isEmpty();

        row("orders-db").findElement(By.cssSelector("button[data-action='resize']")).click();
        browser.waitUpTo(5).until(d -> dialog.isDisplayed());
        dialog.findElement(By.cssSelector("input[name='max']")).clear();
        dialog.findElement(By.cssSelector("input[name='max']")).sendKeys("12");
        browser.driver().findElement(By.id("confirm-ok")).click();

        browser.waitUpTo(10).until(d -> d.findElement(By.id("action-result")).getText().contains("done by admin"));
        assertThat(posted).containsExactly("/nebula/api/resources/orders-db/resize {\"min\":2,\"max\":12}");
        assertThat(browser.driver().findElement(By.id("action-result")).getText())
                .isEqualTo("resize orders-db: done by admin · pool.max-size 10 → 12");
    }

    @Test
    void theSamplesOwnPageRunsWorkflowsAndLinksToTheDashboard() {
        browser.driver().get(server.dashboard().replace("/nebula/dashboard/", "/"));
        browser.waitUpTo(15).until(d -> !d.findElements(By.cssSelector("#workflow-buttons button")).isEmpty());
        assertThat(browser.driver().findElement(By.id("dashboard-link")).getAttribute("href")).endsWith("/nebula/dashboard/");
        WebElement button = browser.driver().findElement(By.cssSelector("#workflow-buttons button[data-workflow='fetch-orders']"));

        assertThat(button.getText()).isEqualTo("Run fetch-orders");
        assertThat(button.getAttribute("title")).isEqualTo("FetchOrders [orders-db, cache]");
    }

    private List<WebElement> rows() {
        return browser.driver().findElements(By.cssSelector("#resources tbody tr"));
    }

    private WebElement row(String resource) {
        return browser.driver().findElement(By.cssSelector("#resources tr[data-resource='" + resource + "']"));
    }

    private WebElement bar(String resource) {
        return row(resource).findElement(By.cssSelector(".bar"));
    }

    private String cell(String resource, String css) {
        return row(resource).findElement(By.cssSelector(css)).getText();
    }

    private WebElement node(String resource) {
        return browser.driver().findElement(By.cssSelector("#graph g.node[data-resource='" + resource + "']"));
    }

    /**
     * Waits until a row's bar is drawn {@code share} full on screen (its width glides over 0.4 s) and
     * returns the share measured.
     */
    private double barShare(String resource, double share) {
        WebElement bar = row(resource).findElement(By.cssSelector(".bar"));
        WebElement fill = bar.findElement(By.cssSelector(".bar-fill"));
        double[] measured = new double[1];
        try {
            browser.waitUpTo(5).until(d -> {
                measured[0] = (double) fill.getRect().getWidth() / bar.getRect().getWidth();
                return Math.abs(measured[0] - share) < 0.02;
            });
        } catch (TimeoutException e) {
            // fall through: the caller's assertion reports the share that was drawn
        }
        return measured[0];
    }

    /**
     * An hour of 360 buckets, zero but for a few: orders-db peaks at 40 acquisitions, 8 ms p99 and 3 errors (two
     * types); a tenant's history peaks at 7 acquisitions.
     */
    private static String history(String path) {
        boolean tenant = path.contains("/tenants/");
        StringBuilder buckets = new StringBuilder();
        for (int i = 0; i < 360; i++) {
            long acquisitions = tenant ? (i == 350 ? 7 : 0) : (i == 300 ? 40 : i % 20);
            String errors = !tenant && i == 310 ? "{\"AcquisitionTimeoutException\":2,\"SQLException\":1}" : "{}";
            double p99 = !tenant && i == 320 ? 8.0 : 1.0;
            buckets.append(i == 0 ? "" : ",").append("{\"start\":\"2026-01-01T00:00:00Z\",\"acquisitions\":").append(acquisitions)
                    .append(",\"errors\":").append(errors).append(",\"p50Millis\":0.5,\"p99Millis\":").append(p99)
                    .append(",\"utilization\":0.1,\"waiters\":0}");
        }
        return "{\"resource\":\"x\",\"bucketLength\":\"PT10S\",\"buckets\":[" + buckets + "]}";
    }
}
