package io.nebula.resource.sample.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.List;

import static io.nebula.resource.sample.e2e.PageFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard page's cluster panel (nebula-resource-dashboard's {@code META-INF/resources/nebula/dashboard}) in
 * headless Chromium, with {@code nebula/api/cluster} answered from a fixture: a node of three, DEGRADED with its
 * reason, a gate open (seen by another node) and one closed, {@code orders-db}'s own limit and 25 tenants' limits
 * held on three nodes; and the 404 of an application that is not a node. The JSON itself is tested by
 * {@code ClusterEndpointTest} (cdi-extension/dashboard).
 */
class DashboardClusterPageIT {

    private static final String NO_CLUSTER = "{\"error\":\"this application is not a node of a cluster "
            + "(nebula.cluster.resource is not set)\",\"problems\":[]}";

    /** The tenants' concurrent-lease rows: one per tenant (t20 also has a rate row). */
    private static final String LEASE_ROWS = "#cluster-usage tr.tenant-limit[data-limit='cluster.tenant.max-concurrent-leases']";

    private static PageFixture server;
    private static Browser browser;
    private static volatile String clusterJson;
    private static volatile int clusterStatus;

    /**
     * Node {@code node-a} of {@code node-a}, {@code node-b}, {@code node-c}; {@code orders-db}'s own limit (40: 8 +
     * 12 + 4 held) and tenants {@code t00}..{@code t24} with a limit of 10 each, tenant {@code tNN} holding
     * {@code NN % 7} on node-a, {@code NN % 3} on node-b and 1 on node-c from {@code t20} on: t20 holds 6 + 2 + 1 = 9,
     * the most; {@code orders-db}'s session budget (20: 3 + 2 held); t20's rate (5 a second: 4 counted this second
     * for the cluster); {@code node-d} live, holding no permit; {@code ledger}'s gate open (node-b saw it down),
     * {@code orders-db}'s closed.
     */
    static String cluster(String health, String healthMessage) {
        StringBuilder usage = new StringBuilder("{\"resource\":\"orders-db\",\"tenant\":null,"
                + "\"limit\":\"cluster.max-concurrent-leases\",\"max\":40,\"byNode\":{\"node-a\":8,\"node-b\":12,\"node-c\":4}}");
        for (int i = 0; i < 25; i++) {
            StringBuilder byNode = new StringBuilder();
            add(byNode, "node-a", i % 7);
            add(byNode, "node-b", i % 3);
            add(byNode, "node-c", i >= 20 ? 1 : 0);
            usage.append(",{\"resource\":\"orders-db\",\"tenant\":\"").append(tenant(i))
                    .append("\",\"limit\":\"cluster.tenant.max-concurrent-leases\",\"max\":10,\"byNode\":{")
                    .append(byNode).append("}}");
        }
        usage.append(",{\"resource\":\"orders-db\",\"tenant\":null,\"limit\":\"cluster.max-instances\",\"max\":20,"
                + "\"byNode\":{\"node-a\":3,\"node-b\":2}}");
        usage.append(",{\"resource\":\"orders-db\",\"tenant\":\"t20\","
                + "\"limit\":\"cluster.tenant.max-acquisitions-per-second\",\"max\":5,\"byNode\":{},\"windowCount\":4}");
        return "{\"node\":\"node-a\",\"health\":\"" + health + "\",\"healthMessage\":"
                + (healthMessage == null ? "null" : "\"" + healthMessage + "\"")
                + ",\"gates\":{\"ledger\":2,\"orders-db\":0},"
                + "\"openGates\":{\"ledger\":{\"node\":\"node-b\",\"reason\":\"java.net.ConnectException\"}},"
                + "\"liveNodes\":[\"node-a\",\"node-b\",\"node-c\",\"node-d\"],"
                + "\"usage\":[" + usage + "],\"usageError\":null}";
    }

    private static void add(StringBuilder byNode, String node, int permits) {
        if (permits > 0) { // a node holding none of a limit is not in its hash
            byNode.append(byNode.length() == 0 ? "" : ",").append('"').append(node).append("\":").append(permits);
        }
    }

    private static String tenant(int i) {
        return String.format("t%02d", i);
    }

    private static int held(int i) {
        return i % 7 + i % 3 + (i >= 20 ? 1 : 0);
    }

    @BeforeAll
    static void serveThePage() {
        server = new PageFixture(null)
                .answer("/nebula/api/resources", exchange -> send(exchange, 200, "application/json", "{\"resources\":[]}"))
                .answer("/nebula/api/anomalies", exchange -> send(exchange, 200, "application/json", "[]"))
                .answer("/nebula/api/me", exchange -> send(exchange, 200, "application/json", "{\"name\":\"admin\",\"admin\":true}"))
                .answer("/nebula/api/cluster", exchange -> send(exchange, clusterStatus, "application/json", clusterJson));
        browser = new Browser();
    }

    @BeforeEach
    void aNodeOfThree() {
        clusterStatus = 200;
        clusterJson = cluster("UP", null);
    }

    @AfterAll
    static void stop() {
        PageFixture.close(browser, server);
    }

    private void open() {
        browser.driver().get(server.dashboard());
        browser.waitUpTo(30).until(d -> d.findElement(By.id("cluster")).isDisplayed());
    }

    @Test
    void thePanelShowsThisNodeItsHealthAndEachLiveNodeWithThePermitsItHolds() {
        open();

        assertThat(text("#cluster-node")).isEqualTo("node-a");
        assertThat(text("#cluster-health")).isEqualTo("UP");
        assertThat(find("#cluster-health").getAttribute("class")).contains("up");
        assertThat(find("#cluster-health-message").getText()).isEmpty();
        int a = 8 + 3, b = 12 + 2, c = 4; // orders-db's leases and instances, then its tenants' leases
        for (int i = 0; i < 25; i++) {
            a += i % 7;
            b += i % 3;
            c += i >= 20 ? 1 : 0;
        }
        assertThat(browser.driver().findElements(By.cssSelector("#cluster-nodes .node-chip")))
                .extracting(WebElement::getText)
                .containsExactly("node-a · " + a, "node-b · " + b, "node-c · " + c, "node-d · 0");
        assertThat(find("#cluster-nodes .node-chip[data-node='node-a']").getAttribute("class")).contains("self");
    }

    @Test
    void aDegradedNodeSaysSoAndWhy() {
        clusterJson = cluster("DEGRADED", "cluster backend unavailable (io.lettuce.core.RedisConnectionException): "
                + "node 'node-a' applies its local limits only");
        open();

        assertThat(text("#cluster-health")).isEqualTo("DEGRADED");
        assertThat(find("#cluster-health").getAttribute("class")).contains("degraded");
        assertThat(text("#cluster-health-message"))
                .isEqualTo("cluster backend unavailable (io.lettuce.core.RedisConnectionException): "
                        + "node 'node-a' applies its local limits only");
    }

    @Test
    void anOpenGateSaysWhichNodeSawTheBackendDownAndAClosedOneSaysClosed() {
        open();

        WebElement ledger = find("#cluster-gates tr[data-resource='ledger']");
        assertThat(ledger.getAttribute("data-gate")).isEqualTo("open");
        assertThat(ledger.findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("ledger", "open", "node-b", "java.net.ConnectException");
        assertThat(ledger.findElement(By.cssSelector(".gate")).getAttribute("class")).contains("open");
        assertThat(find("#cluster-gates tr[data-resource='orders-db']").findElements(By.tagName("td")))
                .extracting(WebElement::getText).containsExactly("orders-db", "closed", "—", "—");
    }

    @Test
    void eachLimitShowsThePermitsHeldPerNodeAndTheClusterTotalAgainstTheLimit() {
        open();

        assertThat(browser.driver().findElements(By.cssSelector("#cluster-usage thead th")))
                .extracting(WebElement::getText)
                .containsExactly("Resource", "Tenant", "Limit", "node-a (this node)", "node-b", "node-c", "node-d",
                        "Cluster total / limit");
        WebElement own = find("#cluster-usage tr.resource-limit[data-resource='orders-db']");
        assertThat(own.findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("orders-db", "(whole resource)", "cluster.max-concurrent-leases", "8", "12", "4", "0", "24/40");
        WebElement t20 = find("#cluster-usage tr[data-tenant='t20'][data-limit='cluster.tenant.max-concurrent-leases']");
        assertThat(t20.findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("orders-db", "t20", "cluster.tenant.max-concurrent-leases", "6", "2", "1", "0", "9/10");
        assertThat(t20.findElement(By.cssSelector(".bar-fill")).getAttribute("class"))
                .as("9 of 10 is high").contains("high");
        assertThat(t20.findElement(By.cssSelector(".bar")).getAttribute("aria-valuenow")).isEqualTo("9");
    }

    @Test
    void theSessionBudgetShowsThePermitsEachNodeHoldsForItsInstances() {
        open();

        WebElement budget = find("#cluster-usage tr.resource-limit[data-limit='cluster.max-instances']");
        assertThat(budget.findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("orders-db", "(whole resource)", "cluster.max-instances", "3", "2", "0", "0", "5/20");
    }

    @Test
    void aTenantsRateIsTheClustersCountThisSecondNotSplitByNode() {
        open();

        WebElement rate = find("#cluster-usage tr.rate-limit[data-tenant='t20']");
        assertThat(rate.findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("orders-db", "t20", "cluster.tenant.max-acquisitions-per-second", "—", "—", "—", "—",
                        "4/5 this second");
        assertThat(rate.findElement(By.cssSelector("td.held")).getAttribute("title"))
                .isEqualTo("one counter for the whole cluster, not split by node");
        assertThat(rate.findElement(By.cssSelector(".bar")).getAttribute("aria-valuenow")).isEqualTo("4");
        // shown with its tenant's other limits, right after them
        assertThat(browser.driver().findElements(By.cssSelector("#cluster-usage tbody tr")).stream()
                .map(r -> r.getAttribute("data-tenant") + " " + r.getAttribute("data-limit")).toList())
                .containsSubsequence("t20 cluster.tenant.max-concurrent-leases", "t20 cluster.tenant.max-acquisitions-per-second");
    }

    @Test
    void aLiveNodeHoldingNoPermitIsListedAndHasItsColumn() {
        open();

        assertThat(text("#cluster-nodes .node-chip[data-node='node-d']")).isEqualTo("node-d · 0");
        assertThat(find("#cluster-usage tr.resource-limit[data-limit='cluster.max-concurrent-leases'] td[data-node='node-d']")
                .getText()).isEqualTo("0");
    }

    @Test
    void withManyTenantsTheTenMostHeldAreShownSortedAndTheRestCounted() {
        open();

        List<String> shown = browser.driver().findElements(By.cssSelector(LEASE_ROWS)).stream()
                .map(r -> r.getAttribute("data-tenant")).toList();
        List<String> expected = java.util.stream.IntStream.range(0, 25).boxed()
                .sorted((x, y) -> held(y) != held(x) ? held(y) - held(x) : tenant(x).compareTo(tenant(y)))
                .map(DashboardClusterPageIT::tenant).toList();
        assertThat(shown).containsExactlyElementsOf(expected.subList(0, 10));
        int restHeld = expected.subList(10, 25).stream().mapToInt(t -> held(Integer.parseInt(t.substring(1)))).sum();
        WebElement rest = find("#cluster-usage tr.rest[data-resource='orders-db']");
        assertThat(rest.getText()).startsWith("… and 15 more tenants of orders-db holding " + restHeld + " permits");

        rest.findElement(By.cssSelector("button.show-all")).click();

        browser.waitUpTo(5).until(d -> d.findElements(By.cssSelector(LEASE_ROWS)).size() == 25);
        assertThat(browser.driver().findElements(By.cssSelector("#cluster-usage tr.rest"))).isEmpty();
    }

    @Test
    void whenRedisDoesNotAnswerThePanelSaysWhyAndKeepsTheLastUsage() {
        open();
        clusterJson = clusterJson.replace("\"health\":\"UP\"", "\"health\":\"DEGRADED\"")
                .replace("\"liveNodes\":[\"node-a\",\"node-b\",\"node-c\",\"node-d\"]", "\"liveNodes\":null")
                .replaceAll("\"usage\":\\[.*\\],\"usageError\":null",
                        "\"usage\":null,\"usageError\":\"Redis of the cluster did not answer node 'node-a' within 50 ms\"");

        browser.waitUpTo(15).until(d -> d.findElement(By.id("cluster-usage-error")).isDisplayed());

        assertThat(text("#cluster-usage-error")).isEqualTo("The cluster's usage could not be read (Redis of the "
                + "cluster did not answer node 'node-a' within 50 ms); showing the last one read.");
        assertThat(find("#cluster-usage tr.resource-limit[data-limit='cluster.max-concurrent-leases']").getText())
                .contains("24/40");
        assertThat(browser.driver().findElements(By.cssSelector("#cluster-nodes .node-chip"))).hasSize(4);
        assertThat(text("#cluster-health")).isEqualTo("DEGRADED");
    }

    @Test
    void anApplicationThatIsNotANodeOfAClusterHasNoPanel() {
        clusterStatus = 404;
        clusterJson = NO_CLUSTER;
        browser.driver().get(server.dashboard());

        // the page has read nebula/api/cluster once and had its answer
        browser.waitUpTo(30).until(d -> d.findElement(By.tagName("body")).getAttribute("data-cluster-rounds") != null);

        assertThat(find("#cluster").isDisplayed()).isFalse();
        assertThat(find("#cluster-problem").isDisplayed()).isFalse();
    }

    private WebElement find(String css) {
        return browser.driver().findElement(By.cssSelector(css));
    }

    private String text(String css) {
        return find(css).getText();
    }
}
