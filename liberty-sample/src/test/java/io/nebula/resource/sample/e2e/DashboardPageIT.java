package io.nebula.resource.sample.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The dashboard page on its own, in headless Chromium: its static files served as they are in the
 * WAR, and {@code api/resources} answered from a fixture so that every kind of row (up, degraded,
 * down, figures not measured, a tenant-scoped resource's tenants) is on screen at once. The real figures are checked against the running
 * sample by {@link SampleServerIT}.
 */
class DashboardPageIT {

    private static final Path WEBAPP = Path.of(System.getProperty("sample.webapp", "src/main/webapp"));
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "css", "text/css", "js", "text/javascript");

    private static final String WORKFLOWS = "[{\"name\":\"fetch-orders\",\"actions\":[{\"name\":\"FetchOrders\","
            + "\"resources\":[\"orders-db\",\"cache\"]}]}]";

    private static HttpServer server;
    private static Browser browser;
    private static String fixture;
    private static volatile String resourcesJson;
    private static volatile int resourcesStatus;

    @BeforeAll
    static void serveThePage() throws IOException {
        try (InputStream in = Objects.requireNonNull(DashboardPageIT.class.getResourceAsStream("/dashboard/resources.json"))) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/resources", exchange -> send(exchange, resourcesStatus, "application/json", resourcesJson));
        server.createContext("/api/workflows", exchange -> send(exchange, 200, "application/json", WORKFLOWS));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = WEBAPP.resolve(path.equals("/") ? "index.html" : path.substring(1)).normalize();
            if (!file.startsWith(WEBAPP) || !Files.isRegularFile(file)) {
                send(exchange, 404, "text/plain", "not found");
                return;
            }
            String name = file.getFileName().toString();
            send(exchange, 200, TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream"),
                    Files.readString(file));
        });
        server.start();
        browser = new Browser();
    }

    @BeforeEach
    void openThePage() {
        resourcesJson = fixture;
        resourcesStatus = 200;
        browser.driver().get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        browser.waitUpTo(30).until(d -> d.findElements(By.cssSelector("#resources tbody tr")).size() == 5);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    @Test
    void oneRowPerResourceWithItsStatusMark() {
        assertThat(rows()).extracting(r -> r.getAttribute("data-resource"))
                .containsExactly("cache", "ledger", "orders-db", "payments-api", "tenant-store");
        assertThat(row("orders-db").findElement(By.cssSelector(".mark")).getAttribute("class")).contains("up");
        assertThat(row("payments-api").findElement(By.cssSelector(".mark")).getAttribute("class")).contains("degraded");
        assertThat(row("ledger").findElement(By.cssSelector(".mark")).getAttribute("class")).contains("down");
        assertThat(row("ledger").getText()).contains("Connection refused", "FAILED");
        assertThat(row("tenant-store").findElement(By.cssSelector(".scope")).getText()).isEqualTo("tenant");
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
                .extracting(WebElement::getText)
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
    void theWorkflowsCanBeStartedFromThePage() {
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

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
