package io.nebula.resource.it.e2e;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's dashboard in headless Chromium while the sample runs on the local services: a row with a status
 * mark and a drawn utilization bar for each of the seven resources (the brokers included), every resource in
 * the dependency graph, and the RabbitMQ channel the runs used back in its pool. Saves a screenshot
 * ({@code it.screenshot}).
 */
class ServicesDashboardIT {

    private static final List<String> RESOURCES = List.of("cache", "ledger", "ledger-spool", "order-notifications", "orders-db",
            "payment-events", "payments-api", "tenant-store");
    private static final Path SCREENSHOT = Path.of(System.getProperty("it.screenshot", "target/dashboard-services.png"));

    @Test
    void theDashboardShowsEveryResourceOfTheServicesProfile() throws Exception {
        String tenant = "initech-" + UUID.randomUUID().toString().substring(0, 6);
        Sample.runOk("fetch-orders", tenant);
        Sample.runOk("process-payments", tenant);

        try (Browser browser = new Browser()) {
            browser.signInAsViewer();
            browser.driver().get(Sample.BASE + "/nebula/dashboard/");
            browser.waitUpTo(60).until(d -> d.findElements(By.cssSelector("#resources tbody tr")).size() == RESOURCES.size());

            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#resources tbody tr"));
            assertThat(rows).extracting(r -> r.getAttribute("data-resource")).containsExactlyElementsOf(RESOURCES);
            for (WebElement row : rows) {
                String name = row.getAttribute("data-resource");
                assertThat(row.findElement(By.cssSelector(".mark")).getAttribute("class")).as(name).contains("up");
                WebElement bar = row.findElement(By.cssSelector(".bar"));
                assertThat(bar.getRect().getWidth()).as("%s: the bar is drawn", name).isGreaterThan(50);
                assertThat(bar.findElements(By.cssSelector(".bar-fill"))).as(name).hasSize(1);
                assertThat(row.findElement(By.cssSelector(".bar-text")).getText()).as(name)
                        .matches("\\d+/\\d+ in use · \\d+ idle · \\d+ waiting");
            }
            assertThat(browser.driver().findElements(By.cssSelector("#graph g.node")))
                    .extracting(n -> n.getAttribute("data-resource")).containsExactlyInAnyOrderElementsOf(RESOURCES);
            assertThat(browser.driver().findElements(By.cssSelector("#graph path.edge")))
                    .extracting(e -> e.getAttribute("data-from") + "->" + e.getAttribute("data-to"))
                    .containsExactly("ledger->orders-db");
            assertThat(idleOf(browser, "payment-events")).as("the RabbitMQ channel came back to its pool").isPositive();
            assertThat(browser.driver().findElement(By.id("problem")).isDisplayed()).isFalse();
            browser.screenshot(SCREENSHOT);
        }
    }

    private static int idleOf(Browser browser, String resource) {
        String text = browser.driver().findElement(By.cssSelector("#resources tbody tr[data-resource='" + resource + "'] .bar-text")).getText();
        return Integer.parseInt(text.replaceAll(".* · (\\d+) idle · .*", "$1"));
    }
}
