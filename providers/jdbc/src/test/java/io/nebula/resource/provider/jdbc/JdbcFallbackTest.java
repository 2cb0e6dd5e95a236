package io.nebula.resource.provider.jdbc;

import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.testing.FaultProxy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fallback=orders-local}: while the local PostgreSQL is away (behind a {@link FaultProxy} that goes down, the
 * real PostgreSQL driver refused at the proxy's port) the injected {@code DataSource}'s {@code getConnection()} hands
 * out connections of the embedded H2 resource, and a lease says it came from there; once PostgreSQL is back its own
 * connections return. A PostgreSQL resource that was stopped before the application started falls back the same way.
 */
@ExtendWith(InMemoryTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=postgresql",
        "nebula.resource.orders-db.username=postgres",
        "nebula.resource.orders-db.fallback=orders-local",
        "nebula.resource.orders-db.pool.validation-bypass=0",
        "nebula.resource.orders-db.retry.max-retries=0",
        "nebula.resource.orders-db.health.interval=0",
        "nebula.resource.orders-db.circuit-breaker.request-volume-threshold=1",
        "nebula.resource.orders-db.circuit-breaker.failure-ratio=1",
        "nebula.resource.orders-db.circuit-breaker.delay=1m",
        "nebula.resource.stopped-db.kind=postgresql",
        "nebula.resource.stopped-db.username=postgres",
        "nebula.resource.stopped-db.fallback=orders-local",
        "nebula.resource.stopped-db.retry.max-retries=0",
        "nebula.resource.stopped-db.health.interval=0",
        "nebula.resource.orders-local.kind=h2",
        "nebula.resource.orders-local.url=jdbc:h2:mem:orders-local;DB_CLOSE_DELAY=-1"})
class JdbcFallbackTest {

    private static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");
    private static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("nebula.resource.fallback");

    private static FaultProxy database;
    private static FaultProxy stopped;

    @BeforeAll
    static void openTheWays() throws IOException {
        database = FaultProxy.start("127.0.0.1", 5432);
        stopped = FaultProxy.start("127.0.0.1", 5432);
        stopped.down(); // PostgreSQL as if stopped: its port refuses every connection
    }

    @AfterAll
    static void shutThem() {
        database.close();
        stopped.close();
    }

    @AfterEach
    void bringTheDatabaseBack() {
        database.up();
    }

    @RuntimeConfig
    Map<String, String> throughTheProxies() {
        return Map.of("nebula.resource.orders-db.url", "jdbc:postgresql://" + database.host() + ":" + database.port() + "/test",
                "nebula.resource.stopped-db.url", "jdbc:postgresql://" + stopped.host() + ":" + stopped.port() + "/test");
    }

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(InMemoryTelemetry.Producer.class, Audit.class);

    @Inject
    @NebulaResource("orders-db")
    DataSource orders;

    @Inject
    @NebulaResource("stopped-db")
    DataSource stoppedDb;

    @Inject
    Resources resources;

    @Inject
    Audit audit;

    @ApplicationScoped
    static class Audit {
        private final List<AuditRecord> records = new CopyOnWriteArrayList<>();

        void on(@Observes AuditRecord record) {
            records.add(record);
        }

        List<AuditRecord> records() {
            return List.copyOf(records);
        }
    }

    @Test
    void whilePostgresqlIsAwayGetConnectionHandsOutTheFallbacksAndLeasesSaySoUntilItIsBack() throws Exception {
        assertThat(database()).as("PostgreSQL while it is there").isEqualTo("PostgreSQL");

        database.down();
        assertThat(database()).as("its backend refused: the fallback serves").isEqualTo("H2");
        assertThat(database()).as("its circuit open now: the fallback serves").isEqualTo("H2");
        try (Lease<DataSource> lease = resources.acquire("orders-db", DataSource.class)) {
            assertThat(lease.servedByFallback()).isTrue();
            assertThat(lease.resource()).isEqualTo("orders-local");
            assertThat(lease.requested()).isEqualTo("orders-db");
            try (Connection c = lease.get().getConnection()) {
                assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("H2");
            }
        }

        assertThat(fallbacks("orders-db")).as("each fallback counted").isEqualTo(3);
        assertThat(audit.records()).filteredOn(r -> r.kind() == AuditKind.FALLBACK).hasSize(3).allSatisfy(r -> {
            assertThat(r.resource()).isEqualTo("orders-db");
            assertThat(r.detail()).startsWith("fallback=orders-local after ");
        });

        database.up();
        // the circuit's prober finds PostgreSQL back within about a second, long before circuit-breaker.delay
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> database().equals("PostgreSQL"));
        try (Lease<DataSource> lease = resources.acquire("orders-db", DataSource.class)) {
            assertThat(lease.servedByFallback()).isFalse();
        }
    }

    @Test
    void aPostgresqlStoppedBeforeTheApplicationStartedFallsBackToo() throws SQLException {
        try (Connection c = stoppedDb.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("H2");
        }
        assertThat(fallbacks("stopped-db")).isEqualTo(1);
    }

    private String database() throws SQLException {
        try (Connection c = orders.getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }

    private static long fallbacks(String resource) {
        return InMemoryTelemetry.collect().stream().filter(m -> m.getName().equals("nebula.resource.fallbacks"))
                .map(MetricData::getLongSumData).flatMap(s -> s.getPoints().stream())
                .filter(p -> resource.equals(p.getAttributes().get(RESOURCE))
                        && "orders-local".equals(p.getAttributes().get(FALLBACK)))
                .mapToLong(LongPointData::getValue).sum();
    }
}
