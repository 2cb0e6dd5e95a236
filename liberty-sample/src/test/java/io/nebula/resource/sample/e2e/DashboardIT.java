package io.nebula.resource.sample.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's page and the dashboard (/nebula/dashboard/, signed in as viewer) of the running sample in headless
 * Chromium, with the real figures of the extension: workflows started from the sample's page run, then the
 * dashboard's rows, bars and dependency graph render, every resource shows a measured p99, error rate and CLOSED
 * circuit, and tenant-store lists acme's pool. Saves the screenshot that docs/sample.md shows.
 */
class DashboardIT {

    private static final List<String> RESOURCES = List.of("cache", "ledger", "orders-db", "payments-api", "tenant-store");
    private static final Path SCREENSHOT = Path.of(System.getProperty("sample.screenshot", "target/dashboard.png"));

    private static Browser browser;

    @BeforeAll
    static void openTheSamplesPage() {
        browser = new Browser();
        browser.driver().get(SampleServerIT.BASE + "/");
        browser.waitUpTo(60).until(d -> d.findElements(By.cssSelector("#workflow-buttons button")).size() >= 2);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void workflowsRunFromTheSamplesPageAndTheDashboardShowsEveryResourceWithItsMeasuredFigures() throws Exception {
        assertThat(browser.driver().findElement(By.id("dashboard-link")).getAttribute("href"))
                .isEqualTo(SampleServerIT.BASE + "/nebula/dashboard/");
        browser.driver().findElement(By.id("tenant")).clear();
        browser.driver().findElement(By.id("tenant")).sendKeys("acme");
        run("fetch-orders");
        run("process-payments");
        assertThat(browser.driver().findElement(By.id("run-result")).getText())
                .contains("process-payments for acme: ok", "ProcessPayments ok", "RecordLedger ok");

        browser.signIn("viewer", "viewer-dev");
        browser.driver().get(SampleServerIT.BASE + "/nebula/dashboard/");
        browser.waitUpTo(60).until(d -> d.findElements(By.cssSelector("#resources tbody tr")).size() == RESOURCES.size());
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#resources tbody tr"));
        assertThat(rows).extracting(r -> r.getAttribute("data-resource")).containsExactlyElementsOf(RESOURCES);
        for (WebElement row : rows) {
            String name = row.getAttribute("data-resource");
            assertThat(row.findElement(By.cssSelector(".mark")).getAttribute("class")).as(name).contains("up");
            WebElement bar = row.findElement(By.cssSelector(".bar"));
            assertThat(bar.getRect().getWidth()).as("%s: the bar is drawn", name).isGreaterThan(50);
            assertThat(bar.findElements(By.cssSelector(".bar-fill"))).as(name).hasSize(1);
            assertThat(row.findElement(By.cssSelector(".bar-text")).getText()).as(name).matches("\\d+/\\d+ in use · \\d+ idle · \\d+ waiting");
            assertThat(row.findElements(By.cssSelector(".actions button"))).as(name + ": its actions")
                    .extracting(b -> b.getAttribute("data-action"))
                    .containsExactly("resize", "pause", "resume", "drain", "quarantine", "release", "reset-circuit");
        }
        assertThat(browser.driver().findElements(By.cssSelector("#graph g.node")))
                .extracting(n -> n.getAttribute("data-resource")).containsExactlyInAnyOrderElementsOf(RESOURCES);
        assertThat(browser.driver().findElements(By.cssSelector("#graph path.edge")))
                .extracting(e -> e.getAttribute("data-from") + "->" + e.getAttribute("data-to"))
                .containsExactly("ledger->orders-db");

        int refreshes = refreshes();
        browser.waitUpTo(15).until(d -> refreshes() >= refreshes + 2);
        assertThat(browser.driver().findElement(By.id("problem")).isDisplayed()).isFalse();

        // the extension's measured figures, now that every resource was acquired by the workflows
        for (String used : RESOURCES) {
            assertThat(cell(used, ".p99")).as(used + ": p99").matches("\\d+(\\.\\d)? ms");
            assertThat(cell(used, ".error-rate")).as(used + ": error rate").matches("\\d+\\.\\d %");
            assertThat(cell(used, ".circuit-cell")).as(used + ": circuit").isEqualTo("CLOSED");
        }
        assertThat(cell("orders-db", ".error-rate")).isEqualTo("0.0 %");
        WebElement store = row("tenant-store");
        assertThat(store.findElement(By.cssSelector(".state")).getText()).isEqualTo("READY");
        assertThat(store.findElements(By.cssSelector(".tenants li .tenant-text")))
                .as("acme's pool of tenant-store is listed under the summed bar")
                .anySatisfy(li -> assertThat(li.getText()).matches("acme: \\d+/\\d+ in use · \\d+ idle · \\d+ waiting"));
        browser.waitUpTo(30).until(d -> !row("orders-db").findElements(By.cssSelector(".spark svg")).isEmpty());
        browser.screenshot(SCREENSHOT);
    }

    private static void run(String workflow) {
        browser.driver().findElement(By.cssSelector("#workflow-buttons button[data-workflow='" + workflow + "']")).click();
        browser.waitUpTo(60).until(d -> d.findElement(By.id("run-result")).getText().startsWith(workflow + " for acme: "));
        assertThat(browser.driver().findElement(By.id("run-result")).getText()).contains(workflow + " for acme: ok");
    }

    private static WebElement row(String resource) {
        return browser.driver().findElement(By.cssSelector("#resources tr[data-resource='" + resource + "']"));
    }

    private static String cell(String resource, String css) {
        return row(resource).findElement(By.cssSelector(css)).getText();
    }

    private static int refreshes() {
        String n = browser.driver().findElement(By.tagName("body")).getAttribute("data-refreshes");
        return n == null ? 0 : Integer.parseInt(n);
    }
}
