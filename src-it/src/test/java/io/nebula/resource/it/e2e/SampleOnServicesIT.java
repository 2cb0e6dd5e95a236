package io.nebula.resource.it.e2e;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Liberty sample with its {@code services} profile, end to end: the build deploys it on the module's
 * server with {@code mp.config.profile=services}, which moves {@code orders-db} and {@code ledger} to the local
 * PostgreSQL and {@code cache} to Redis, and adds a RabbitMQ and a NATS resource. Workflows run for two tenants;
 * then the test looks where they wrote (tables, cache keys, queue, subject) and at what the server reports
 * about them ({@code /api/resources}, {@code /health}, {@code /metrics}).
 */
class SampleOnServicesIT {

    private static final String QUEUE = "nebula-sample.payments";
    private static final List<String> RESOURCES = List.of("orders-db", "cache", "payments-api", "ledger", "tenant-store",
            "payment-events", "order-notifications", "ledger-spool");

    private static final List<String> tenants = new ArrayList<>();
    private static final Map<String, JsonObject> fetched = new HashMap<>();
    private static final Map<String, JsonObject> processed = new HashMap<>();
    private static final Map<String, List<Message>> announced = new HashMap<>();
    private static Connection nats;

    @BeforeAll
    static void runTheWorkflowsOfTwoTenants() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        tenants.add("acme-" + suffix);
        tenants.add("globex-" + suffix);
        nats = Nats.connect("nats://127.0.0.1:4222");
        Map<String, Subscription> subscriptions = new LinkedHashMap<>();
        for (String tenant : tenants) {
            subscriptions.put(tenant, nats.subscribe("nebula-sample." + tenant + ".paid"));
        }
        nats.flush(Duration.ofSeconds(5));
        for (String tenant : tenants) {
            fetched.put(tenant, Sample.runOk("fetch-orders", tenant));
            processed.put(tenant, Sample.runOk("process-payments", tenant));
        }
        for (Map.Entry<String, Subscription> s : subscriptions.entrySet()) {
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Message m = s.getValue().nextMessage(Duration.ofSeconds(10));
                if (m != null) {
                    messages.add(m);
                }
            }
            announced.put(s.getKey(), messages);
        }
    }

    @AfterAll
    static void close() throws InterruptedException {
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void everyResourceIsDeclaredOnTheLocalServicesAndReady() throws Exception {
        HttpResponse<String> response = Sample.get("/api/resources");

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, JsonObject> resources = Sample.byName(Sample.json(response.body()).getJsonArray("resources"), "name");
        assertThat(resources).containsOnlyKeys(RESOURCES);
        assertThat(resources.get("orders-db").getString("kind")).isEqualTo("postgresql");
        assertThat(resources.get("ledger").getString("kind")).isEqualTo("postgresql");
        assertThat(resources.get("ledger-spool").getString("kind")).as("the ledger's fallback").isEqualTo("h2");
        assertThat(resources.get("cache").getString("kind")).isEqualTo("redis");
        assertThat(resources.get("payment-events").getString("kind")).isEqualTo("rabbitmq");
        assertThat(resources.get("order-notifications").getString("kind")).isEqualTo("nats");
        assertThat(resources.get("payments-api").getString("kind")).isEqualTo("http");
        assertThat(resources.get("tenant-store").getString("scope")).isEqualTo("tenant");
        assertThat(Sample.strings(resources.get("ledger").getJsonArray("dependsOn"))).containsExactly("orders-db");
        for (String used : List.of("orders-db", "cache", "payments-api", "ledger", "payment-events", "order-notifications")) {
            assertThat(resources.get(used).getString("state")).as(used).isEqualTo("READY");
            assertThat(resources.get(used).getString("health")).as(used).isEqualTo("UP");
        }
    }

    @Test
    void eachTenantsOrdersArePaidAndRecordedInPostgresql() throws Exception {
        try (java.sql.Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
            for (String tenant : tenants) {
                Map<String, String> charges = new HashMap<>();
                for (JsonObject order : Sample.step(processed.get(tenant), "ProcessPayments").getJsonArray("result")
                        .getValuesAs(JsonObject.class)) {
                    charges.put(order.getString("id"), order.getString("chargeId"));
                }
                assertThat(charges).as(tenant).hasSize(3);

                Map<String, String> stored = new HashMap<>();
                try (PreparedStatement q = db.prepareStatement(
                        "SELECT id, status, charge_id FROM sample_orders WHERE tenant = ?")) {
                    q.setString(1, tenant);
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            assertThat(r.getString("status")).as(r.getString("id")).isEqualTo("PAID");
                            stored.put(r.getString("id"), r.getString("charge_id"));
                        }
                    }
                }
                assertThat(stored).as("%s's orders in sample_orders", tenant).isEqualTo(charges);

                try (PreparedStatement q = db.prepareStatement(
                        "SELECT count(*), coalesce(sum(amount_cents), 0) FROM sample_ledger WHERE tenant = ?")) {
                    q.setString(1, tenant);
                    try (ResultSet r = q.executeQuery()) {
                        r.next();
                        JsonObject totals = Sample.step(processed.get(tenant), "RecordLedger").getJsonObject("result");
                        assertThat(r.getLong(1)).as("%s's ledger entries", tenant).isEqualTo(3);
                        assertThat(r.getLong(2)).isEqualTo(totals.getJsonNumber("paidCents").longValue());
                        assertThat(totals.getString("tenant")).isEqualTo(tenant);
                        assertThat(totals.getJsonNumber("paidOrders").longValue()).as("only %s's orders in its tenant-store", tenant)
                                .isEqualTo(3);
                    }
                }
            }
        }
    }

    @Test
    void customerNamesAreCachedInRedis() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379/0");
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            for (String tenant : tenants) {
                for (JsonObject order : Sample.step(fetched.get(tenant), "FetchOrders").getJsonObject("result")
                        .getJsonArray("open").getValuesAs(JsonObject.class)) {
                    String key = "nebula-sample:customer:" + order.getString("customerId");
                    assertThat(redis.sync().get(key)).as(key).isEqualTo(order.getString("customerName"));
                    assertThat(redis.sync().ttl(key)).as("%s expires", key).isBetween(1L, 600L);
                }
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void thePaymentsAreAnnouncedOnRabbitmqAndNats() throws Exception {
        for (String tenant : tenants) {
            assertThat(Sample.strings(Sample.step(processed.get(tenant), "PublishPaymentEvents").getJsonArray("result")))
                    .containsExactly("rabbitmq queue " + QUEUE, "nats subject nebula-sample." + tenant + ".paid");
            assertThat(announced.get(tenant)).as("messages on nebula-sample.%s.paid", tenant).hasSize(3)
                    .allSatisfy(m -> assertThat(Sample.json(new String(m.getData(), StandardCharsets.UTF_8))
                            .getString("tenant")).isEqualTo(tenant));
        }

        Map<String, Integer> queued = new HashMap<>();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        try (com.rabbitmq.client.Connection rabbit = factory.newConnection("src-it");
             com.rabbitmq.client.Channel channel = rabbit.createChannel()) {
            // the queue is the sample's, bounded and without a consumer: read it empty, keep what our tenants sent
            for (GetResponse m = channel.basicGet(QUEUE, true); m != null; m = channel.basicGet(QUEUE, true)) {
                String tenant = Sample.json(new String(m.getBody(), StandardCharsets.UTF_8)).getString("tenant");
                queued.merge(tenant, 1, Integer::sum);
            }
        }
        for (String tenant : tenants) {
            assertThat(queued.get(tenant)).as("messages of %s in %s", tenant, QUEUE).isEqualTo(3);
        }
    }

    @Test
    void healthHasAReadinessAndALivenessCheckPerResourceAllUp() throws Exception {
        for (String path : List.of("/health", "/health/ready", "/health/live")) {
            HttpResponse<String> response = Sample.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            JsonObject health = Sample.json(response.body());
            assertThat(health.getString("status")).as(path).isEqualTo("UP");
            Map<String, JsonObject> checks = new HashMap<>();
            for (JsonObject check : health.getJsonArray("checks").getValuesAs(JsonObject.class)) {
                assertThat(checks.put(check.getString("name"), check)).as("%s names each check once", path).isNull();
            }
            List<String> kinds = path.endsWith("ready") ? List.of("readiness")
                    : path.endsWith("live") ? List.of("liveness") : List.of("readiness", "liveness");
            for (String resource : RESOURCES) {
                for (String kind : kinds) {
                    JsonObject check = checks.get("nebula-resource:" + resource + ":" + kind);
                    assertThat(check).as("%s has the %s check of %s", path, kind, resource).isNotNull();
                    assertThat(check.getString("status")).as("%s %s %s", path, resource, kind).isEqualTo("UP");
                }
            }
        }
    }

    @Test
    void metricsCountTheAcquisitionsOfEachResourceForEachTenant() throws Exception {
        HttpResponse<String> response = Sample.get("/metrics?scope=application");

        assertThat(response.statusCode()).isEqualTo(200);
        for (String tenant : tenants) {
            for (String resource : List.of("orders-db", "cache", "payments-api", "ledger", "tenant-store", "payment-events")) {
                assertThat(acquisitions(response.body(), resource, tenant)).as("acquisitions of %s by %s", resource, tenant)
                        .isPositive();
            }
        }
    }

    /** The sum over outcomes of {@code nebula_resource_acquisitions_total} for a resource and tenant. */
    private static long acquisitions(String metrics, String resource, String tenant) {
        return Math.round(metrics.lines()
                .filter(l -> l.startsWith("nebula_resource_acquisitions_total{"))
                .filter(l -> l.contains("resource=\"" + resource + "\"") && l.contains("tenant=\"" + tenant + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum());
    }
}
