package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.ClusterOverview;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.testing.FaultProxy;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The cluster step in OpenTelemetry, through the CDI extension on Weld SE against the real Redis (db {@value #DB},
 * which no other test uses, flushed before each test) reached through a {@link FaultProxy}: the events on the
 * acquisition's span when the cluster stage asks Redis, is refused by a limit, or admits alone while Redis is cut; the
 * instruments {@code nebula.cluster.*} read from an in-memory SDK.
 */
class ClusterTelemetryOnWeldTest {

    static final int DB = 7;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final AttributeKey<String> NODE = AttributeKey.stringKey("node");
    static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");
    static final AttributeKey<String> LIMIT = AttributeKey.stringKey("limit");

    static InMemorySpanExporter spans;
    static InMemoryMetricReader metrics;
    static OpenTelemetrySdk sdk;

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final List<Lease<?>> leases = new ArrayList<>();
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    /** The application's {@code OpenTelemetry}, as MP Telemetry offers it. */
    @Dependent
    public static class Producer {
        @Produces
        OpenTelemetry openTelemetry() {
            return sdk;
        }
    }

    @BeforeEach
    void setUp() {
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
        spans = InMemorySpanExporter.create();
        metrics = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    @AfterEach
    void close() throws Exception {
        for (Lease<?> l : leases) {
            l.close();
        }
        while (!open.isEmpty()) {
            open.pop().close();
        }
        sdk.close();
        admin.close();
        redis.shutdown();
    }

    private WeldContainer node(String coordinationUrl) {
        return node("a", coordinationUrl);
    }

    private WeldContainer node(String id, String coordinationUrl) {
        Map<String, String> c = new HashMap<>();
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", coordinationUrl);
        c.put("nebula.resource.store.kind", "redis-dedicated");
        c.put("nebula.resource.store.url", REDIS);
        c.put("nebula.resource.store.pool.max-size", "4");
        c.put("nebula.resource.store.pool.acquire-timeout", "2s");
        c.put("nebula.resource.store.cluster.max-concurrent-leases", "2");
        c.put("nebula.resource.store.cluster.batch", "1");
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.node-id", id);
        c.put("nebula.cluster.heartbeat-ttl", "3s");
        c.put("nebula.cluster.redis-timeout", "500ms"); // what a machine at load 10 answers within
        SmallRyeConfig cfg = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(c, "node", 100)).build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // none registered yet
        }
        resolver.registerConfig(cfg, loader);
        WeldContainer container = NebulaWeld.container(Producer.class).containerId("otel-node-" + id).initialize();
        open.push(container::shutdown);
        return container;
    }

    private Lease<?> acquire(WeldContainer node) {
        Lease<?> l = node.select(Resources.class).get().acquire("store", StatefulRedisConnection.class);
        leases.add(l);
        return l;
    }

    private static SpanData lastAcquisition() {
        List<SpanData> all = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("nebula.resource.acquire store")).toList();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    private static List<String> events(SpanData span) {
        return span.getEvents().stream().map(EventData::getName).toList();
    }

    private static Optional<EventData> event(SpanData span, String name) {
        return span.getEvents().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    private static Optional<MetricData> metric(String name) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    private static long longPoint(String name, Attributes attributes) {
        MetricData m = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
        List<LongPointData> points = new ArrayList<>(m.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_GAUGE
                ? m.getLongGaugeData().getPoints() : m.getLongSumData().getPoints());
        return points.stream().filter(p -> p.getAttributes().equals(attributes)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no point " + attributes + ": " + points)).getValue();
    }

    @Test
    void theSpanShowsTheRoundTripAndTheDenialAndTheMetricsCountThem() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        open.push(proxy);
        WeldContainer a = node("redis://" + proxy.host() + ":" + proxy.port() + "/" + DB);

        acquire(a);
        SpanData first = lastAcquisition();
        EventData call = event(first, "nebula.cluster.redis").orElseThrow(() ->
                new AssertionError("no nebula.cluster.redis event: " + events(first)));
        assertThat(call.getAttributes().get(AttributeKey.stringKey("nebula.cluster.operation"))).isEqualTo("take");
        assertThat(call.getAttributes().get(AttributeKey.booleanKey("nebula.cluster.answered"))).isTrue();
        assertThat(call.getAttributes().get(AttributeKey.doubleKey("nebula.cluster.duration_ms"))).isPositive();
        // the call as a span of its own, the acquisition's child, within it
        SpanData takeSpan = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("nebula.cluster take"))
                .filter(s -> s.getParentSpanId().equals(first.getSpanId())).findFirst().orElseThrow(() ->
                        new AssertionError("no span nebula.cluster take under the acquisition: "
                                + spans.getFinishedSpanItems().stream().map(SpanData::getName).toList()));
        assertThat(takeSpan.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
        assertThat(takeSpan.getAttributes().get(AttributeKey.stringKey("nebula.cluster.node"))).isEqualTo("a");
        assertThat(takeSpan.getStartEpochNanos()).isGreaterThanOrEqualTo(first.getStartEpochNanos());
        assertThat(takeSpan.getEndEpochNanos()).isLessThanOrEqualTo(first.getEndEpochNanos());
        assertThat(takeSpan.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);

        acquire(a);
        assertThatThrownBy(() -> acquire(a)).isInstanceOf(QuotaExceededException.class);
        SpanData refused = lastAcquisition();
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("quota");
        EventData denied = event(refused, "nebula.cluster.denied").orElseThrow(() ->
                new AssertionError("no nebula.cluster.denied event: " + events(refused)));
        assertThat(denied.getAttributes().get(AttributeKey.stringKey("nebula.cluster.limit")))
                .isEqualTo("cluster.max-concurrent-leases");

        assertThat(longPoint("nebula.cluster.denials", Attributes.of(RESOURCE, "store", LIMIT,
                "cluster.max-concurrent-leases"))).isEqualTo(1);
        HistogramPointData take = metric("nebula.cluster.redis.duration").orElseThrow().getHistogramData().getPoints()
                .stream().filter(p -> "take".equals(p.getAttributes().get(AttributeKey.stringKey("operation"))))
                .findFirst().orElseThrow();
        assertThat(take.getAttributes().get(NODE)).isEqualTo("a");
        assertThat(take.getCount()).isGreaterThanOrEqualTo(3); // one per acquisition: batch 1, none spare
        assertThat(longPoint("nebula.cluster.redis.round.trips", Attributes.of(NODE, "a"))).isGreaterThanOrEqualTo(3);
        assertThat(longPoint("nebula.cluster.degraded", Attributes.of(NODE, "a"))).isZero();
        assertThat(longPoint("nebula.cluster.gate", Attributes.of(NODE, "a", RESOURCE, "store"))).isZero();
    }

    @Test
    void withRedisCutTheSpanShowsTheAdmissionAloneAndTheGaugesSayDegraded() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        open.push(proxy);
        WeldContainer a = node("redis://" + proxy.host() + ":" + proxy.port() + "/" + DB);
        acquire(a);

        proxy.down();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                longPoint("nebula.cluster.degraded", Attributes.of(NODE, "a")) == 1); // a heartbeat failed
        acquire(a);

        SpanData alone = lastAcquisition();
        assertThat(alone.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("success");
        assertThat(events(alone)).as("known down: admitted alone, Redis not asked").containsExactly(
                "nebula.cluster.admitted_alone");
        assertThat(event(alone, "nebula.cluster.admitted_alone").orElseThrow().getAttributes()
                .get(AttributeKey.stringKey("nebula.cluster.node"))).isEqualTo("a");
        assertThat(longPoint("nebula.cluster.admitted.alone", Attributes.of(NODE, "a"))).isEqualTo(1);
        assertThat(longPoint("nebula.cluster.redis.failures", Attributes.of(NODE, "a"))).isPositive();

        proxy.up();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                longPoint("nebula.cluster.degraded", Attributes.of(NODE, "a")) == 0);
    }

    /** The dashboard's cluster panel reads {@link ClusterOverview}: each live node's permits, asked of Redis. */
    @Test
    void theOverviewShowsThePermitsEachLiveNodeHoldsAndTheGates() {
        WeldContainer a = node("a", REDIS);
        WeldContainer b = node("b", REDIS);
        acquire(a);
        acquire(b);

        ClusterOverview overview = a.select(ClusterOverview.class).get();
        assertThat(overview.nodeId()).isEqualTo("a");
        assertThat(overview.health()).isEqualTo("UP");
        assertThat(overview.gates()).containsEntry("store", 0);
        assertThat(overview.usage()).singleElement().satisfies(u -> {
            assertThat(u.resource()).isEqualTo("store");
            assertThat(u.tenant()).isNull();
            assertThat(u.limit()).isEqualTo("cluster.max-concurrent-leases");
            assertThat(u.max()).isEqualTo(2);
            assertThat(u.byNode()).isEqualTo(Map.of("a", 1, "b", 1));
        });
    }
}
