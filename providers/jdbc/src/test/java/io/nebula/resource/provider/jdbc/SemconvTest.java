package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The OpenTelemetry semantic conventions' {@code db.client.connection.*} of a real JDBC resource, as an in-memory SDK
 * collects them (docs/observability.md): the connections Agroal holds idle and lends out, its sizes, the callers
 * waiting, the waits that ran out, and one creation, wait and use time per connection opened, obtained and given
 * back; the pool named after the resource, and after the resource and tenant for a tenant's pool. With
 * {@code nebula.telemetry.semconv=false} there is none of them, and the data source reads no clock for them.
 */
@ExtendWith(InMemoryTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.pool.min-size=3",
        "nebula.resource.orders-db.pool.max-size=5",
        "nebula.resource.orders-db.pool.acquire-timeout=3s",
        "nebula.resource.orders-db.health.interval=0s",
        "nebula.resource.tenant-db.kind=h2",
        "nebula.resource.tenant-db.scope=tenant",
        "nebula.resource.tenant-db.pool.min-size=1",
        "nebula.resource.tenant-db.pool.max-size=4",
        "nebula.resource.tenant-db.health.interval=0s"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class SemconvTest {

    private static final AttributeKey<String> POOL = AttributeKey.stringKey("db.client.connection.pool.name");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(InMemoryTelemetry.Producer.class);

    @Inject
    @NebulaResource("orders-db")
    DataSource orders;

    @Inject
    @NebulaResource("tenant-db")
    DataSource tenantDb;

    @Inject
    WorkflowContexts contexts;

    @Test
    @TestConfig({"nebula.telemetry.semconv=true", "nebula.resource.orders-db.kind=h2"})
    void onH2() throws Exception {
        connectionsOfOneResource();
    }

    @Test
    @TestConfig({"nebula.telemetry.semconv=true",
            "nebula.resource.orders-db.kind=postgresql",
            "nebula.resource.orders-db.url=" + Databases.POSTGRESQL_URL,
            "nebula.resource.orders-db.username=postgres"})
    void onPostgresql() throws Exception {
        connectionsOfOneResource();
    }

    /** Hold 2 of 5, then all 5 with a caller waiting, then one who waits in vain: each figure as it happens. */
    private void connectionsOfOneResource() throws Exception {
        List<Connection> held = new ArrayList<>();
        held.add(orders.getConnection());
        held.add(orders.getConnection());
        Collection<MetricData> m = InMemoryTelemetry.collect();
        assertThat(count(m, "orders-db", "used")).isEqualTo(2);
        assertThat(count(m, "orders-db", "idle")).as("pool.min-size=3 were opened at start").isEqualTo(1);
        assertThat(value(m, "db.client.connection.max", "orders-db")).isEqualTo(5);
        assertThat(value(m, "db.client.connection.idle.max", "orders-db")).isEqualTo(5);
        assertThat(value(m, "db.client.connection.idle.min", "orders-db")).isEqualTo(3);
        assertThat(value(m, "db.client.connection.pending_requests", "orders-db")).isZero();
        assertThat(value(m, "db.client.connection.timeouts", "orders-db")).isZero();
        assertThat(histogram(m, "db.client.connection.create_time", "orders-db").getCount())
                .as("the 3 opened as the resource started, before telemetry listened").isEqualTo(3);
        assertThat(histogram(m, "db.client.connection.wait_time", "orders-db").getCount()).isEqualTo(2);
        assertThat(m.stream().anyMatch(d -> d.getName().equals("db.client.connection.use_time")))
                .as("no connection given back yet").isFalse();

        for (int i = 0; i < 3; i++) {
            held.add(orders.getConnection());
        }
        ExecutorService waiting = Executors.newSingleThreadExecutor();
        try {
            Future<Connection> waiter = waiting.submit(() -> orders.getConnection());
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(value(InMemoryTelemetry.collect(), "db.client.connection.pending_requests", "orders-db"))
                            .isEqualTo(1));
            assertThat(count(InMemoryTelemetry.collect(), "orders-db", "used")).isEqualTo(5);
            held.remove(0).close(); // the waiter gets it
            held.add(waiter.get(10, TimeUnit.SECONDS));
        } finally {
            waiting.shutdownNow();
        }
        assertThat(value(InMemoryTelemetry.collect(), "db.client.connection.pending_requests", "orders-db")).isZero();

        assertThatThrownBy(() -> orders.getConnection()).isInstanceOf(SQLTimeoutException.class);
        m = InMemoryTelemetry.collect();
        assertThat(value(m, "db.client.connection.timeouts", "orders-db")).isEqualTo(1);

        for (Connection c : held) {
            c.close();
        }
        m = InMemoryTelemetry.collect();
        assertThat(count(m, "orders-db", "used")).isZero();
        assertThat(count(m, "orders-db", "idle")).isEqualTo(5);
        assertThat(histogram(m, "db.client.connection.create_time", "orders-db").getCount())
                .as("3 at start and 2 more to lend 5").isEqualTo(5);
        assertThat(histogram(m, "db.client.connection.wait_time", "orders-db").getCount())
                .as("every getConnection() that got one; the one that timed out is a timeout").isEqualTo(6);
        HistogramPointData use = histogram(m, "db.client.connection.use_time", "orders-db");
        assertThat(use.getCount()).as("every connection given back").isEqualTo(6);
        assertThat(use.getSum()).isPositive();
    }

    @Test
    @TestConfig({"nebula.telemetry.semconv=true", "nebula.resource.orders-db.kind=h2"})
    void aTenantsPoolIsNamedAfterTheResourceAndTheTenant() throws SQLException {
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "charge");
             Connection c = tenantDb.getConnection()) {
            Collection<MetricData> m = InMemoryTelemetry.collect();
            assertThat(count(m, "tenant-db/acme", "used")).isEqualTo(1);
            assertThat(value(m, "db.client.connection.max", "tenant-db/acme")).isEqualTo(4);
            assertThat(poolNames(m)).as("the tenant's pool only: the resource's shared pool holds no connection")
                    .filteredOn(n -> n.startsWith("tenant-db")).containsExactly("tenant-db/acme");
        }
        HistogramPointData use = histogram(InMemoryTelemetry.collect(), "db.client.connection.use_time", "tenant-db/acme");
        assertThat(use.getCount()).isEqualTo(1);
    }

    @Test
    @TestConfig({"nebula.telemetry.semconv=false", "nebula.resource.orders-db.kind=h2"})
    void offThereIsNoneAndNoClockIsRead() throws SQLException {
        try (Connection a = orders.getConnection(); Connection b = orders.getConnection()) {
            Collection<MetricData> m = InMemoryTelemetry.collect();
            assertThat(m).extracting(MetricData::getName).as("OpenTelemetry is there")
                    .contains("nebula.resource.acquisitions")
                    .noneMatch(name -> name.startsWith("db.client."));
            PooledDataSource pool = (PooledDataSource) orders.unwrap(AgroalDataSource.class);
            assertThat(pool.figures().events()).as("nobody listens: a hand-out reads no clock").isNull();
        }
        assertThat(InMemoryTelemetry.collect()).extracting(MetricData::getName)
                .noneMatch(name -> name.startsWith("db.client."));
    }

    // --- reading what the SDK collected //

    private static long count(Collection<MetricData> metrics, String pool, String state) {
        return point(metrics, "db.client.connection.count", Attributes.of(POOL, pool, STATE, state));
    }

    private static long value(Collection<MetricData> metrics, String name, String pool) {
        return point(metrics, name, Attributes.of(POOL, pool));
    }

    private static long point(Collection<MetricData> metrics, String name, Attributes attributes) {
        MetricData data = metric(metrics, name);
        return data.getLongSumData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue).reduce((x, y) -> {
                    throw new AssertionError(name + " reports " + attributes + " twice");
                })
                .orElseThrow(() -> new AssertionError(name + " has no point " + attributes + ": " + data));
    }

    private static HistogramPointData histogram(Collection<MetricData> metrics, String name, String pool) {
        MetricData data = metric(metrics, name);
        assertThat(data.getUnit()).isEqualTo("s");
        return data.getHistogramData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(Attributes.of(POOL, pool))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no point for pool " + pool + ": " + data));
    }

    private static MetricData metric(Collection<MetricData> metrics, String name) {
        return metrics.stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " among " + metrics.stream()
                        .map(MetricData::getName).collect(Collectors.toCollection(java.util.TreeSet::new))));
    }

    private static Set<String> poolNames(Collection<MetricData> metrics) {
        return metric(metrics, "db.client.connection.count").getLongSumData().getPoints().stream()
                .map(p -> p.getAttributes().get(POOL)).collect(Collectors.toSet());
    }
}
