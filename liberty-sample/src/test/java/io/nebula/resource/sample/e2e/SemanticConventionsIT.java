package io.nebula.resource.sample.e2e;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The semantic conventions' {@code db.client.connection.*} instruments on Liberty, where a user of the sample sees
 * them: the sample turns {@code nebula.telemetry.semconv} on, and mpTelemetry's logging exporter writes every metric
 * to messages.log (every minute; every 5 s on the tests' server). {@code /metrics} is MicroProfile Metrics and has
 * only the {@code nebula.resource.*} family.
 */
class SemanticConventionsIT {

    private static final List<String> INSTRUMENTS = List.of("count", "idle.max", "idle.min", "max", "pending_requests",
            "timeouts", "create_time", "wait_time", "use_time");
    private static final String ORDERS_DB = "db.client.connection.pool.name=\"orders-db\"";

    @Test
    void ordersDbsConnectionPoolIsExportedUnderTheSemanticConventionsNames() throws Exception {
        SampleServerIT.runOk("fetch-orders", "semconv-" + UUID.randomUUID().toString().substring(0, 6));
        int from = ServerFiles.messages().size();

        // an export after the run: each instrument once, orders-db's pool among its points
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> exported = exportedSince(from);
            for (String instrument : INSTRUMENTS) {
                assertThat(exported).as("db.client.connection." + instrument)
                        .anySatisfy(l -> assertThat(l).contains("name=db.client.connection." + instrument + ",", ORDERS_DB));
            }
        });

        List<String> exported = exportedSince(from);
        String count = metric(exported, "count");
        assertThat(count).contains("{" + ORDERS_DB + ", db.client.connection.state=\"idle\"}",
                "{" + ORDERS_DB + ", db.client.connection.state=\"used\"}");
        assertThat(metric(exported, "max")).as("unit").contains("unit={connection}");
        int maxSize = RunTimeConfigIT.readiness().getInt("max-size");
        assertThat(value(metric(exported, "max"))).as("orders-db's pool.max-size, as /health has it").isEqualTo(maxSize);
        assertThat(metric(exported, "wait_time")).contains("unit=s, type=HISTOGRAM");
        assertThat(count(metric(exported, "use_time"))).as("connections used and returned, the run's among them")
                .isPositive();
    }

    /** The logging exporter's lines written since line {@code from}: one per metric and export. */
    private static List<String> exportedSince(int from) {
        List<String> all = ServerFiles.messages();
        return all.subList(Math.min(from, all.size()), all.size()).stream()
                .filter(l -> l.contains("LoggingMetricExporter") && l.contains("name=db.client.connection.")).toList();
    }

    /** The last export of {@code db.client.connection.<instrument>}. */
    private static String metric(List<String> exported, String instrument) {
        List<String> lines = exported.stream().filter(l -> l.contains("name=db.client.connection." + instrument + ",")).toList();
        return lines.get(lines.size() - 1);
    }

    /** orders-db's point's value in a sum's line. */
    private static long value(String line) {
        Matcher m = Pattern.compile("attributes=\\{" + Pattern.quote(ORDERS_DB) + "}, value=(\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** orders-db's point's count in a histogram's line. */
    private static long count(String line) {
        Matcher m = Pattern.compile("getAttributes=\\{" + Pattern.quote(ORDERS_DB) + "}, getSum=[^,]+, getCount=(\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Long.parseLong(m.group(1));
    }
}
