package io.nebula.resource.it.e2e;

import io.nebula.resource.testing.FaultProxy;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample under an outage of PostgreSQL (issue 17, point 10), on Liberty with the {@code services} profile and
 * the dashboard in headless Chromium. PostgreSQL itself is never stopped (other builds use it): the sample's
 * {@code orders-db} is restarted pointing at a {@link FaultProxy} in this JVM, in front of the local PostgreSQL, and
 * the proxy goes {@link FaultProxy#down() down} (connections refused, live ones cut) for {@link #OUTAGE} while
 * {@code fetch-orders} is sent every {@value #PACE_MS} ms, one run after the other, then {@link FaultProxy#up() up}
 * again. Asserted:
 * <ul>
 *   <li>every answer during the outage is 503 naming {@code orders-db} and why (the run's {@code unavailable}); the
 *       first, which finds the outage, within its budget ({@code pool.acquire-timeout}, 5 s, plus 10%): it makes
 *       its attempt and the configured retries (1.4 s with the defaults). The later ones are timed one by one by
 *       this client, round trip included, and their median must be within {@value #ANSWER_MS} ms; and each run
 *       must have taken the server less than {@value #RETRIES_MS} ms (the run's {@code durationMs}), the least
 *       the default retries of a refused connection wait (200, 400 and 800 ms, less 100 ms of jitter each), so
 *       that a run that waited out retries fails. Not each answer within 100 ms: on the two cores of this
 *       project's machines, shared with other builds, answers that take 10 ms were seen to take up to 1 s, and
 *       10% of them more than 100 ms, while the machine was busy (load average 20 to 25);</li>
 *   <li>the dashboard marks {@code orders-db} DOWN within {@value #DOWN_SHOWN_MS} ms of the first failed answer;</li>
 *   <li>within {@value #RECOVERY_MS} ms of the proxy's return a run succeeds (200) and the dashboard marks
 *       {@code orders-db} UP again.</li>
 * </ul>
 * The figures are printed on a line starting with {@code SAMPLE-OUTAGE}. Afterwards the sample is restarted with
 * its own configuration, for the tests that follow.
 */
class SampleOutageIT {

    private static final String RESOURCE = "orders-db";
    /** Long enough for the circuit to open (its window of 20 acquisitions, half of them failed) and be probed. */
    private static final Duration OUTAGE = Duration.ofSeconds(4);
    /** The answers while PostgreSQL is known down, measured per request by this client: their median within this. */
    private static final long ANSWER_MS = 100;
    /** What the default retries of a refused connection wait at least: no run may take the server this long. */
    private static final long RETRIES_MS = 1_100;
    /** One run is sent every this often, as a busy client would, rather than as fast as the machine allows. */
    private static final long PACE_MS = 50;
    /** The first failed answer: the sample's {@code pool.acquire-timeout} (5 s) plus 10%, as the fault suite bounds calls. */
    private static final long BUDGET_MS = 5_500;
    private static final long DOWN_SHOWN_MS = 1_000;
    private static final long RECOVERY_MS = 2_000;
    /** The sample's {@code pool.validation-bypass} (the JDBC provider's default). */
    private static final long VALIDATION_BYPASS_MS = 500;

    /** Records each change of the orders-db row's health with the browser's clock (epoch milliseconds, as ours). */
    private static final String RECORD_HEALTH = """
            var row = document.querySelector("#resources tbody tr[data-resource='orders-db']");
            window.nebulaHealth = [[Date.now(), row.getAttribute("data-health")]];
            new MutationObserver(function () {
              var h = row.getAttribute("data-health");
              if (h !== window.nebulaHealth[window.nebulaHealth.length - 1][1]) window.nebulaHealth.push([Date.now(), h]);
            }).observe(row, { attributes: true, attributeFilter: ["data-health"] });
            """;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final SampleRestart RESTART = new SampleRestart("sample-outage-it");
    private static FaultProxy database;

    /** One call of the workflow endpoint: when it was sent and answered (epoch ms), how long it took, the answer. */
    private record Answer(long sent, long answered, long millis, int status, JsonObject body) {

        String reason() {
            return body.containsKey("unavailable") ? body.getJsonObject("unavailable").getString("reason") : null;
        }

        /** How long the server took for the run, its actions and their acquisitions (not HTTP, not JSON). */
        long serverMillis() {
            return body.getJsonNumber("durationMs").longValue();
        }
    }

    @BeforeAll
    static void putAProxyBetweenTheSampleAndPostgresql() throws IOException {
        database = FaultProxy.start("127.0.0.1", 5432);
        RESTART.with(Map.of("nebula.resource." + RESOURCE + ".url",
                "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test"));
    }

    @AfterAll
    static void giveTheSampleItsDatabaseBack() throws IOException {
        try {
            RESTART.undo();
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    void whilePostgresqlIsDownTheWorkflowAnswers503AtOnceTheDashboardShowsItDownAndBothRecover() throws Exception {
        String tenant = "outage-" + UUID.randomUUID().toString().substring(0, 6);
        Sample.runOk("fetch-orders", tenant);
        assertThat(database.peakConnections()).as("orders-db reaches PostgreSQL through the proxy").isPositive();

        try (Browser browser = new Browser()) {
            browser.signInAsViewer();
            browser.driver().get(Sample.BASE + "/nebula/dashboard/");
            browser.waitUpTo(60).until(d -> "up".equals(health(d)));
            browser.driver().executeScript(RECORD_HEALTH);
            Sample.runOk("fetch-orders", tenant);
            // A connection used within pool.validation-bypass is handed out unchecked, so a run right at the outage
            // would fail on its first statement (a 503 too: the broken connection moves readiness), and the run after
            // it would be the one spending the retries. Here the outage finds the pooled connection idle longer: it
            // is validated, found dead, and the new one is refused, so the first run is the one with the retries.
            Thread.sleep(VALIDATION_BYPASS_MS + 100);

            database.down();
            long down = System.currentTimeMillis();
            List<Answer> outage = callUntil(tenant, down + OUTAGE.toMillis(), false);
            database.up();
            long up = System.currentTimeMillis();
            List<Answer> recovery = callUntil(tenant, up + 10 * RECOVERY_MS, true);
            browser.waitUpTo(10).until(d -> "up".equals(health(d)));
            List<Object[]> shown = healthChanges(browser.driver());

            Answer first = outage.get(0);
            List<Answer> known = outage.subList(1, outage.size());
            Answer ok = recovery.get(recovery.size() - 1);
            long shownDown = shownAt(shown, "down", down);
            long shownUp = shownAt(shown, "up", up);
            System.out.printf("SAMPLE-OUTAGE first 503 after %d ms (%s); then %d answers: median %d ms, 90%% within"
                            + " %d ms, max %d ms, reasons %s; dashboard DOWN %d ms after the first failed answer (%d ms"
                            + " after the stop); first 200 %d ms after the return (%d answers before it), dashboard UP"
                            + " after %d ms; answers over %d ms (round trip/server): %s; load average %s%n",
                    first.millis(), first.reason(), known.size(), percentile(known, 50), percentile(known, 90),
                    percentile(known, 100), reasons(known), shownDown - first.answered(), shownDown - down,
                    ok.answered() - up, recovery.size() - 1, shownUp - up, ANSWER_MS, known.stream()
                            .filter(a -> a.millis() > ANSWER_MS).map(a -> a.millis() + "/" + a.serverMillis())
                            .collect(Collectors.joining(", ", "[", "]")), loadAverage());

            assertThat(outage).as("every answer while PostgreSQL is down").allSatisfy(a -> {
                assertThat(a.status()).as("%s", a.body()).isEqualTo(503);
                JsonObject unavailable = a.body().getJsonObject("unavailable");
                assertThat(unavailable.getString("resource")).isEqualTo(RESOURCE);
                assertThat(unavailable.getString("reason")).isIn("DOWN", "CIRCUIT_OPEN", "BACKEND_UNAVAILABLE");
                assertThat(unavailable.getString("message")).as("why").isNotBlank();
            });
            assertThat(first.millis()).as("the answer that found the outage: its attempt and retries, within budget")
                    .isLessThanOrEqualTo(BUDGET_MS);
            assertThat(known).as("answers once the outage is known").isNotEmpty()
                    .allSatisfy(a -> assertThat(a.serverMillis()).as("the server's time for a run at %d, %d ms after"
                            + " the stop", a.sent(), a.sent() - down).isLessThan(RETRIES_MS));
            assertThat(percentile(known, 50)).as("the median answer once the outage is known")
                    .isLessThanOrEqualTo(ANSWER_MS);
            assertThat(shownDown - first.answered()).as("dashboard DOWN after the first failed answer; changes: %s",
                    describe(shown)).isLessThanOrEqualTo(DOWN_SHOWN_MS);
            assertThat(ok.status()).as("a run succeeds again").isEqualTo(200);
            assertThat(recovery.subList(0, recovery.size() - 1)).as("answers before the first success")
                    .allSatisfy(a -> assertThat(a.status()).isEqualTo(503));
            assertThat(ok.answered() - up).as("first 200 after the return").isLessThanOrEqualTo(RECOVERY_MS);
            assertThat(shownUp - up).as("dashboard UP after the return; changes: %s", describe(shown))
                    .isLessThanOrEqualTo(RECOVERY_MS);
        }
    }

    /** Calls {@code fetch-orders} one run after the other until {@code until}, or until the first 200 when asked. */
    private static List<Answer> callUntil(String tenant, long until, boolean untilOk) throws IOException, InterruptedException {
        List<Answer> answers = new ArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(Sample.BASE + "/api/workflows/fetch-orders?tenant=" + tenant))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
        long next = System.currentTimeMillis();
        do {
            Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            next += PACE_MS;
            long sent = System.currentTimeMillis();
            long start = System.nanoTime();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            answers.add(new Answer(sent, System.currentTimeMillis(), millis, response.statusCode(), Sample.json(response.body())));
            if (untilOk && response.statusCode() == 200) {
                return answers;
            }
        } while (System.currentTimeMillis() < until);
        return answers;
    }

    private static String health(WebDriver driver) {
        return driver.findElements(By.cssSelector("#resources tbody tr[data-resource='" + RESOURCE + "']")).stream()
                .findFirst().map(row -> row.getAttribute("data-health")).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Object[]> healthChanges(WebDriver driver) {
        List<List<Object>> log = (List<List<Object>>) ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return window.nebulaHealth");
        return log.stream().map(e -> new Object[] {((Number) e.get(0)).longValue(), e.get(1)}).toList();
    }

    /** When the dashboard first showed {@code health} at or after {@code since}; {@code Long.MAX_VALUE} when never. */
    private static long shownAt(List<Object[]> changes, String health, long since) {
        return changes.stream().filter(c -> health.equals(c[1]) && (long) c[0] >= since).mapToLong(c -> (long) c[0])
                .findFirst().orElse(Long.MAX_VALUE);
    }

    private static String describe(List<Object[]> changes) {
        return changes.stream().map(c -> c[1] + "@" + c[0]).collect(Collectors.joining(", "));
    }

    /** The nearest-rank {@code p}th percentile of the answers' times; -1 when there is none. */
    private static long percentile(List<Answer> answers, int p) {
        long[] sorted = answers.stream().mapToLong(Answer::millis).sorted().toArray();
        return sorted.length == 0 ? -1 : sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Map<String, Long> reasons(List<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(a -> String.valueOf(a.reason()), TreeMap::new,
                Collectors.counting()));
    }
}
